// What a command of the CLI takes from the world beside its flags: where its output goes and the
// WebGPU device it runs on. A process has its own (processIo); the tests run many commands in one
// process, on one device, so that a kernel several commands use compiles once.
import type { GpuContext } from '../gpu/device';
import { openNodeDevice } from './node-gpu';

export interface CliIo {
  /** Standard output: what a script reads (the JSON, the table). */
  out(text: string): void;
  /** Standard error: progress, notes and errors. */
  err(text: string): void;
  /** A device for the command, handed back with release() when it is done. */
  gpu(): Promise<GpuContext>;
  release(ctx: GpuContext): void;
}

/** The CLI's own process: its standard streams, and a device of its own, destroyed after the command. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  gpu: openNodeDevice,
  release: (ctx) => ctx.device.destroy(),
};
