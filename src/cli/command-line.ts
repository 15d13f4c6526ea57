// The command line, `npm run cli -- <command> [flags]`, as a function of its arguments and its
// CliIo (src/cli/io.ts), whose result is the exit status: main.ts runs it in a process of its own,
// the tests many times in theirs. Errors caused by the input are one line on stderr and exit 2;
// anything else is a bug and keeps its stack trace (exit 1).
import { parseArgs } from 'node:util';
import { UserError } from '../base/errors';
import { MISTAKES } from '../reference/mistakes';
import { checkCommand } from './check';
import { deriveCommand } from './derive';
import { joinNegativeNumbers } from './flags';
import { benchCommand } from './bench';
import { gradsCommand } from './grads';
import type { CliIo } from './io';
import { trainCommand } from './train';

const USAGE = `usage: npm run cli -- <command> [flags]
  grads --case FILE.json        loss and gradients of one batch from the WGSL kernels, as JSON
  train [flags]                 train on the GPU (defaults as on the page: an MLP of 32 units on spiral, Adam at 0.01)
    --model mlp|autoencoder     --dataset mnist|spiral|circles|xor|blobs|plane|gauss-mix   --data FILE.npy|FILE.csv
    --problem classification|regression (mlp; a regression on --dataset plane|gauss-mix or a file whose last
      column is a real target: a linear output, ½(z − t)², and testRMSE, testR2 in the JSON)
    --hidden N[,N…] (1 to 4 hidden layers)  --activation swish|relu|tanh|sigmoid|gelu|linear (mlp)  --code N (autoencoder)
    --batch N  --lr X  --optimizer sgd|momentum|adam
    --momentum X  --nesterov  --beta1 X  --beta2 X  --weight-decay X (L2)  --l1 X  --init-scale X
    --mistake NAME (train with a backprop mistake of the gallery; see check)
    --samples N  --noise X  --test-share X  --features x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2 (2-D sets)
    --steps N | --epochs N  --seed N  --json  --save FILE.json (parameters)
    --checkpoint FILE.json (the whole run, as the page saves it)  --resume FILE.json (continue one)
    --derive FILE               train with your own backward pass (docs/derive.md) in place of the built-in one
  check [flags]                 gradient check on a generated batch: GPU vs float64, float64 vs finite differences
    --model mlp|autoencoder  --mistake ${MISTAKES.join('|')}
      (a classic backprop mistake in both the kernels and the reference; --wrong-derivative is --mistake swish-prime)
    --inputs N  --hidden N[,N…]  --classes N  --activation NAME (mlp)  --code N (autoencoder)  --batch N  --seed N
    --fd-budget X  --json
  bench [flags]                 ms per SGD step: this project's WebGPU step, its float32 CPU engine, TensorFlow.js WebGPU
    --batch 32,128  --hidden 64,512  --rounds N  --warmup N  --impl gpu,cpu,tfjs-webgpu  --phases  --json
      (--phases: where a step's time goes, a bar per engine of its passes and the GPU's submit + wait)
  bench --compare [--batch …] [--hidden …]   GPU against CPU in one sentence per network, and where one overtakes the other
  bench --matmul 2048,512x1024x784   the matmul alone: ms and TFLOP/s of each entry point
    --path tiled,wide,small,block,splitk  --rounds N  --json
  derive FILE [flags]           check your hand-derived backward pass (docs/derive.md), line by line, on the first
                                batch of the run train's flags define (--model, --hidden, --activation, --dataset, --seed …)
    --assignment autoencoder|swish-mlp|deep-tanh|custom-activation  --json
    (exit 0: every checked line right; 1: a line wrong or in error, or a required one missing)`;

const OPTIONS = {
  case: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  problem: { type: 'string' },
  data: { type: 'string' },
  hidden: { type: 'string' },
  activation: { type: 'string' },
  code: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  'weight-decay': { type: 'string' },
  l1: { type: 'string' },
  'init-scale': { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
  features: { type: 'string' },
  'test-share': { type: 'string' },
  steps: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  save: { type: 'string' },
  checkpoint: { type: 'string' },
  resume: { type: 'string' },
  derive: { type: 'string' },
  'wrong-derivative': { type: 'boolean' },
  mistake: { type: 'string' },
  inputs: { type: 'string' },
  classes: { type: 'string' },
  'fd-budget': { type: 'string' },
  rounds: { type: 'string' },
  warmup: { type: 'string' },
  impl: { type: 'string' },
  phases: { type: 'boolean' },
  compare: { type: 'boolean' },
  matmul: { type: 'string' },
  path: { type: 'string' },
  assignment: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: joinNegativeNumbers(argv, (name) => OPTIONS[name as keyof typeof OPTIONS]?.type === 'string'),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0]!);
  }
}

/** Runs one command line; resolves with its exit status (0, 1: a failed check or run, 2: bad input). */
export async function runCommandLine(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UserError || error instanceof RangeError) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    io.err(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv);
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.out(`${USAGE}\n`);
    return command || parsed.values.help ? 0 : 2;
  }
  const flags = parsed.values as Record<string, unknown>;
  if (command === 'derive') return deriveCommand(extra, flags, io);
  if (extra.length > 0) throw new UserError(`unexpected argument '${extra[0]}'`);
  if (command === 'grads') await gradsCommand(flags, io);
  else if (command === 'train') return trainCommand(flags, io);
  else if (command === 'bench') await benchCommand(flags, io);
  else if (command === 'check') await checkCommand(flags, io);
  else throw new UserError(`unknown command '${command}' (expected grads, train, check, bench or derive; --help lists the flags)`);
  return 0;
}
