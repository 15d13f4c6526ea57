// The CLI's process: `npm run cli -- <command> [flags]` (vite-node), or the bundle `npm run build:cli`
// makes. The command line itself is src/cli/command-line.ts.
import { runCommandLine } from './command-line';
import { processIo } from './io';

runCommandLine(process.argv.slice(2), processIo).then((code) => process.exit(code));
