// Runs the command line as a user does and collects its exit code and output; shared by the CLI
// tests. cli() runs the CLI as `npm run build:cli` bundles it (built once for the unit tier by
// tests/cli-setup.ts); cliFromSource() runs it as `npm run cli -- …` does, vite-node on
// src/cli/main.ts (a few seconds of CPU more at each start: tests/cli.test.ts checks once that both
// give the same output).
import { spawn } from 'node:child_process';
import { inject } from 'vitest';

type Result = { code: number; stdout: string; stderr: string };

function run(command: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The bundled CLI, `node dist/cli/main.mjs …`. */
export function cli(...args: string[]): Promise<Result> {
  return run(process.execPath, [inject('cliBundle'), ...args]);
}

/** The CLI from its sources, `npm run cli -- …` (vite-node). */
export function cliFromSource(...args: string[]): Promise<Result> {
  return run('npx', ['vite-node', 'src/cli/main.ts', ...args]);
}
