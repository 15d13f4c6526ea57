// The Web Worker of one CPU engine thread (cpu-thread.ts): it receives the shared memory, the
// compiled module and its place, answers 'ready', then waits for jobs in shared memory.
import { cpuThreadMain, type CpuThreadLayout } from './cpu-thread';

export interface CpuThreadStart {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  layout: CpuThreadLayout;
  tid: number;
  threads: number;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<CpuThreadStart>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e) => {
  const { memory, module, layout, tid, threads } = e.data;
  scope.onmessage = null;
  scope.postMessage('ready');
  cpuThreadMain(memory, module, layout, tid, threads, false);
};
