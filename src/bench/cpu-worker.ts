// The CPU engine in a Web Worker, so that the page stays responsive while it is timed.
// Messages: { id, size, protocol } in; { id, result } or { id, error } out (see cpu-worker-client.ts).
import { benchCpu } from './cpu';
import type { CpuBenchRequest, CpuBenchResponse } from './cpu-worker-client';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CpuBenchRequest>) => void) | null;
  postMessage(message: CpuBenchResponse): void;
};

scope.onmessage = (e) => {
  const { id, size, protocol } = e.data;
  benchCpu(size, protocol).then(
    (result) => scope.postMessage({ id, result }),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
