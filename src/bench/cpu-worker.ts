// The CPU engine in a Web Worker, so that the page stays responsive while it is timed.
// Messages: { id, size, protocol, passes? } in; { id, result } or { id, error } out, declared here for
// its client (cpu-worker-client.ts), which imports this file's types only.
import { benchCpu, cpuPhaseTimes } from './cpu';
import type { BenchProtocol, BenchResult, BenchSize, PhaseTimes } from './types';

/** One measurement asked of the worker, a step's time or, with `passes`, each pass's; the reply carries the same id. */
export interface CpuBenchRequest {
  id: number;
  size: BenchSize;
  protocol: BenchProtocol;
  passes?: boolean;
}

/** The worker's reply to one request: the result, or the error's message. */
export type CpuBenchResponse = { id: number; result: BenchResult | PhaseTimes } | { id: number; error: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CpuBenchRequest>) => void) | null;
  postMessage(message: CpuBenchResponse): void;
};

scope.onmessage = (e) => {
  const { id, size, protocol, passes } = e.data;
  (passes ? cpuPhaseTimes(size, protocol) : benchCpu(size, protocol)).then(
    (result) => scope.postMessage({ id, result }),
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
