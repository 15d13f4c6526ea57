// Runs the command line and collects its exit code and output; shared by the CLI tests.
// cli() runs the command line in this process (runCommandLine, what src/cli/main.ts runs), on one
// device for the whole worker, so that a kernel several commands use compiles once on SwiftShader
// instead of once per Node started (about 1.2 CPU-seconds a command). cliProcess() runs the CLI as
// `npm run build:cli` bundles it (built once for the unit tier by tests/cli-setup.ts), in a Node of
// its own; cliFromSource() runs it as `npm run cli -- …` does, vite-node on src/cli/main.ts.
// tests/cli.test.ts checks that the three print the same.
import { spawn } from 'node:child_process';
import { inject } from 'vitest';
import { runCommandLine } from '../src/cli/command-line';
import type { CliIo } from '../src/cli/io';
import { openNodeDevice } from '../src/cli/node-gpu';
import type { GpuContext } from '../src/gpu/device';
import { forgetTuning } from '../src/gpu/tune';

export type CliResult = { code: number; stdout: string; stderr: string };

function run(command: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let device: Promise<GpuContext> | undefined;

/**
 * The worker's device, opened at the first command that asks. One that failed to open, or was lost
 * later, is opened again at the next: a command that breaks it fails alone, not every one after it.
 */
export function sharedDevice(): Promise<GpuContext> {
  if (device) return device;
  const opening: Promise<GpuContext> = openNodeDevice().then(
    (ctx) => {
      void ctx.device.lost.then(() => {
        if (device === opening) device = undefined;
      });
      return ctx;
    },
    (error: unknown) => {
      if (device === opening) device = undefined;
      throw error;
    },
  );
  device = opening;
  return opening;
}

/**
 * The command line in this process, as a fresh process would run it: the worker's device, its tuner's
 * choices forgotten after each command (commands run at once share them meanwhile; on a CPU adapter
 * there are none). What goes past the CliIo (a console notice of a library, Dawn's own warnings) is
 * not captured: `bench` with TensorFlow.js, which also keeps its device, runs in cliProcess.
 */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    gpu: sharedDevice,
    release: () => undefined, // the device stays for the next command; its tuning is forgotten below
  };
  try {
    const code = await runCommandLine(args, io);
    return { code, stdout, stderr };
  } finally {
    // After every command, one that failed before release() too.
    const ctx = await device?.catch(() => undefined);
    if (ctx) forgetTuning(ctx.device);
  }
}

/** The bundled CLI in a Node of its own, `node dist/cli/main.mjs …`. */
export function cliProcess(...args: string[]): Promise<CliResult> {
  return run(process.execPath, [inject('cliBundle'), ...args]);
}

/** The CLI from its sources, `npm run cli -- …` (vite-node). */
export function cliFromSource(...args: string[]): Promise<CliResult> {
  return run('npx', ['vite-node', 'src/cli/main.ts', ...args]);
}
