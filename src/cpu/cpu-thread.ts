// One thread of the WebAssembly CPU engine (wasm/engine.ts): it runs jobs (training steps, or a
// forward pass over rows) on its share of the rows and units, meeting the other threads at a
// barrier after each phase. The same function runs inside a Web Worker, inside a Node worker
// thread (whose code is this function's text, so it must stay self-contained: no imports, no
// outer names), and, for one thread, on the caller's own thread (then it returns its job runner).

/** Where a thread finds everything in the engine's memory (byte offsets), and the batch size. */
export interface CpuThreadLayout {
  desc: number;
  /** Int32 control words, at these indices (CONTROL in wasm-memory.ts; passed in, as this thread's code names nothing outside it). */
  control: number;
  controlWords: Readonly<Record<'SEQ' | 'KIND' | 'COUNT' | 'T0' | 'ARRIVED' | 'GENERATION' | 'DONE' | 'FAILED' | 'PASS', number>>;
  /** The job kinds (JOB in wasm-memory.ts). */
  jobs: Readonly<Record<'TRAIN' | 'FORWARD' | 'QUIT' | 'PASS', number>>;
  /** Batches of X [B, D] and labels [B], one slot per step of a job; slot 0 also holds a forward pass's rows. */
  xBase: number;
  xStride: number;
  labelBase: number;
  labelStride: number;
  /** Per step of a job: the batch's summed loss and correct count, float64. */
  metrics: number;
  rowLoss: number;
  rowClass: number;
  B: number;
  beta1Word: number;
  beta2Word: number;
  /** The module's PASS_* codes of a step's passes (a PASS job runs one of them alone). */
  passes: Readonly<Record<'forward' | 'loss' | 'backward' | 'update', number>>;
}

/**
 * Runs job `kind` (training steps, forward rows, or one pass `pass` of a step) for `count` steps,
 * rows or repeats; the optimizer has taken `t0` steps.
 */
export type CpuJobRunner = (kind: number, count: number, t0: number, pass: number) => void;

export function cpuThreadMain(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module,
  layout: CpuThreadLayout,
  tid: number,
  threads: number,
  inline: boolean,
): CpuJobRunner | undefined {
  const { SEQ, KIND, COUNT, T0, ARRIVED, GENERATION, DONE, FAILED, PASS } = layout.controlWords;
  const { FORWARD, QUIT } = layout.jobs; // anything else is TRAIN or PASS
  const SPINS = 4000;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const wasm = instance.exports as unknown as {
    forwardRows(desc: number, X: number, labels: number, r0: number, r1: number, train: number, tid: number): void;
    updateUnits(desc: number, X: number, tid: number, threads: number, c1: number, c2: number): void;
    passRows(desc: number, X: number, labels: number, r0: number, r1: number, pass: number, tid: number): void;
    passUnits(desc: number, X: number, tid: number, threads: number, c1: number, c2: number, pass: number): void;
  };
  const ctl = new Int32Array(memory.buffer, layout.control, 16);
  const f32 = new Float32Array(memory.buffer);
  const { desc, B } = layout;
  const rowLoss = new Float64Array(memory.buffer, layout.rowLoss, B);
  const rowClass = new Int32Array(memory.buffer, layout.rowClass, B);

  const barrier = (): void => {
    if (threads === 1) return;
    const generation = Atomics.load(ctl, GENERATION);
    if (Atomics.add(ctl, ARRIVED, 1) === threads - 1) {
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      return;
    }
    // Spin a little first: a phase of a small step lasts microseconds, a futex wake-up longer.
    for (let i = 0; i < SPINS; i++) if (Atomics.load(ctl, GENERATION) !== generation) return;
    while (Atomics.load(ctl, GENERATION) === generation) Atomics.wait(ctl, GENERATION, generation);
  };
  const share = (n: number): [number, number] => [Math.floor((n * tid) / threads), Math.floor((n * (tid + 1)) / threads)];

  // A failed thread keeps meeting the barriers (and reports it), so that the others never hang.
  let failed = false;
  const attempt = (work: () => void): void => {
    if (failed) return;
    try {
      work();
    } catch {
      failed = true;
      Atomics.store(ctl, FAILED, 1);
    }
  };

  /** Thread 0, after the barrier that ends a forward pass: the batch's loss summed in row order (the same bits for any number of threads). */
  const sumLoss = (labels: number, s: number): void => {
    if (tid !== 0) return;
    const label = new Int32Array(memory.buffer, labels, B);
    let loss = 0;
    let correct = 0;
    for (let r = 0; r < B; r++) {
      loss += rowLoss[r]!;
      if (rowClass[r] === label[r]) correct++;
    }
    const out = new Float64Array(memory.buffer, layout.metrics + s * 16, 2);
    out[0] = loss;
    out[1] = correct;
  };

  /**
   * Pass `pass` of a step on the first batch slot, `count` times, as the step runs it. The forward
   * pass, the loss and the update touch only this thread's rows or units, so their repeats need no
   * barrier; the backward pass is G over rows, then dW and db over units, which read every thread's
   * rows, so it keeps the step's two barriers. The step's two barriers are thus timed once, within
   * the backward pass, and the passes add up to about a step.
   */
  const runPass = (pass: number, count: number, t: number, r0: number, r1: number): void => {
    const X = layout.xBase;
    const c1 = 1 - f32[layout.beta1Word]! ** t;
    const c2 = 1 - f32[layout.beta2Word]! ** t;
    const { backward, update } = layout.passes;
    const rows = pass !== update;
    const units = pass === backward || pass === update;
    // Each barrier outside attempt(), as in a step: a thread that failed still meets the others.
    for (let i = 0; i < count; i++) {
      if (rows) attempt(() => wasm.passRows(desc, X, layout.labelBase, r0, r1, pass, tid));
      if (pass === backward) barrier();
      if (units) attempt(() => wasm.passUnits(desc, X, tid, threads, c1, c2, pass));
      if (pass === backward) barrier();
    }
    if (pass === layout.passes.loss) {
      barrier();
      sumLoss(layout.labelBase, 0); // once: O(B), and the step's sum is the same
    }
  };

  const run: CpuJobRunner = (kind, count, t0, pass) => {
    failed = false;
    if (kind === FORWARD) {
      const [r0, r1] = share(count);
      attempt(() => wasm.forwardRows(desc, layout.xBase, layout.labelBase, r0, r1, 0, tid));
      return;
    }
    const [r0, r1] = share(B);
    if (kind === layout.jobs.PASS) {
      runPass(pass, count, t0 + 1, r0, r1);
      return;
    }
    const beta1 = f32[layout.beta1Word]!;
    const beta2 = f32[layout.beta2Word]!;
    for (let s = 0; s < count; s++) {
      const X = layout.xBase + s * layout.xStride;
      const labels = layout.labelBase + s * layout.labelStride;
      attempt(() => wasm.forwardRows(desc, X, labels, r0, r1, 1, tid));
      barrier();
      sumLoss(labels, s);
      const t = t0 + s + 1;
      attempt(() => wasm.updateUnits(desc, X, tid, threads, 1 - beta1 ** t, 1 - beta2 ** t));
      barrier();
    }
  };
  if (inline) return run;

  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, SEQ, seen);
    seen = Atomics.load(ctl, SEQ);
    const kind = Atomics.load(ctl, KIND);
    if (kind === QUIT) return undefined;
    run(kind, Atomics.load(ctl, COUNT), Atomics.load(ctl, T0), Atomics.load(ctl, PASS));
    if (Atomics.add(ctl, DONE, 1) === threads - 1) Atomics.notify(ctl, DONE);
  }
}
