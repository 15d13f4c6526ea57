// Runs the command line as a user does (`npm run cli -- …` is vite-node on src/cli/main.ts) and
// collects its exit code and output; shared by the CLI tests.
import { spawn } from 'node:child_process';

export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vite-node', 'src/cli/main.ts', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
