// Checkpoints on the float64 reference engine: the file round trip, the .npy export, a GPU (float32)
// state restored into the reference, and checkpoints that do not fit or are malformed. Resuming bit
// for bit is checked for every engine in engines.gpu.test.ts.

import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../src/data/dataset';
import { UserError } from '../src/base/errors';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/reference/optimizer';
import { captureCheckpoint, checkpointHistory, restoreCheckpoint } from '../src/train/checkpoint';
import { checkpointNpyFiles, serializeCheckpoint } from '../src/train/checkpoint-file';
import { CHECKPOINT_VERSION, type Checkpoint, MAX_HISTORY_POINTS } from '../src/train/checkpoint-format';
import { MetricsLog } from '../src/train/metrics-log';
import { parseCheckpoint } from '../src/train/checkpoint-reader';
import { Rng } from '../src/base/rng';
import { Session, type SessionConfig } from '../src/train/session';
import { readRunSettings, runSettingPairs } from '../src/train/run-settings';
import { readSettings } from '../src/ui/settings';

function dataFor(spec: SessionConfig['spec']): DataSplit {
  const rng = new Rng(5);
  const N = 90;
  const D = spec.kind === 'mlp' ? spec.shape.D : spec.shape.n;
  const X = Float32Array.from({ length: N * D }, () => rng.uniform(-1, 1));
  const C = spec.kind === 'mlp' ? spec.shape.C : 1;
  const labels = Uint32Array.from({ length: N }, () => rng.int(C));
  return { train: { name: 'random', X, labels, N, D, classes: C } };
}

function configFor(spec: SessionConfig['spec'], overrides: Partial<OptimizerSettings>): SessionConfig {
  return { spec, batch: 16, optimizer: { ...DEFAULT_OPTIMIZER, ...overrides }, seed: 11, initScale: 1, engines: ['reference'] };
}

function train(session: Session, steps: number): void {
  session.run(steps, Infinity);
}

/** The reference engine's state now (its parameters and moments in float64). */
async function stateOf(session: Session) {
  return (await captureCheckpoint(session, {})).engines.reference!;
}

const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));

const cases: Array<[SessionConfig['spec'], Partial<OptimizerSettings>]> = [
  [
    { kind: 'mlp', shape: { D: 7, hidden: [12], C: 4 } },
    { kind: 'adam', lr: 0.01, weightDecay: 1e-3 },
  ],
  [
    { kind: 'mlp', shape: { D: 7, hidden: [12], C: 4 } },
    { kind: 'momentum', lr: 0.05, nesterov: true },
  ],
  [
    { kind: 'autoencoder', shape: { n: 9, m: 3 } },
    { kind: 'adam', lr: 0.01 },
  ],
  [
    { kind: 'autoencoder', shape: { n: 9, m: 3 } },
    { kind: 'momentum', lr: 0.02 },
  ],
];

async function checkpointAfter(config: SessionConfig, data: DataSplit, steps: number): Promise<Checkpoint> {
  const session = await Session.create(config, data, null);
  train(session, steps);
  return captureCheckpoint(session, { model: config.spec.kind, lr: config.optimizer.lr, nesterov: config.optimizer.nesterov });
}

describe('checkpoint on the reference engine', () => {
  it('keeps every value and setting through the JSON text', async () => {
    const [spec, overrides] = cases[0]!;
    const cp = await checkpointAfter(configFor(spec, overrides), dataFor(spec), 7);
    const back = parseCheckpoint(new TextEncoder().encode(serializeCheckpoint(cp)), 'run.json');
    expect(back).toEqual(cp);
    expect(back.engines.reference!.params.W1).toBeInstanceOf(Float64Array);
    expect(back.settings).toEqual({ model: 'mlp', lr: 0.01, nesterov: false });
  });

  it('keeps L1 in the optimizer only where it is set, so that a run without it reads as before', async () => {
    const [spec, overrides] = cases[0]!;
    const without = serializeCheckpoint(await checkpointAfter(configFor(spec, overrides), dataFor(spec), 2));
    expect(Object.keys(JSON.parse(without).optimizer)).not.toContain('l1');
    expect(parseCheckpoint(without, 'run.json').optimizer.l1).toBe(0);
    const withL1 = serializeCheckpoint(await checkpointAfter(configFor(spec, { ...overrides, l1: 0.003 }), dataFor(spec), 2));
    expect(JSON.parse(withL1).optimizer.l1).toBe(0.003);
    expect(parseCheckpoint(withL1, 'run.json').optimizer.l1).toBe(0.003);
  });

  it('keeps the activation in the spec where it is not swish, and refuses a run of another activation', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 7, hidden: [12], C: 4, activation: 'tanh' } };
    const cp = await checkpointAfter(configFor(spec, { kind: 'adam', lr: 0.01 }), dataFor(spec), 3);
    const text = serializeCheckpoint(cp);
    expect(JSON.parse(text).spec.shape.activation).toBe('tanh');
    expect(parseCheckpoint(text, 'run.json').spec).toEqual(spec);
    const swish = await Session.create(configFor(cases[0]![0], { kind: 'adam', lr: 0.01 }), dataFor(spec), null);
    await expect(restoreCheckpoint(swish, cp)).rejects.toThrow(/it holds an MLP 7-12-4 tanh, this run has an MLP 7-12-4/);
    const bad = JSON.parse(text);
    bad.spec.shape.activation = 'softplus';
    expect(() => parseCheckpoint(JSON.stringify(bad), 'bad.json')).toThrow(/spec\.shape\.activation must be one of swish, relu/);
  });

  it('reads a version-1 file (one hidden width H, before deeper networks) as one swish layer, and resumes it bit for bit', async () => {
    const [spec, overrides] = cases[0]!;
    const config = configFor(spec, overrides);
    const session = await Session.create(config, dataFor(spec), null);
    train(session, 4);
    const cp = await captureCheckpoint(session, { model: 'mlp', hidden: 12, lr: 0.01 });
    // What the build before deeper networks wrote: version 1, "H" in the spec, hidden a number.
    const v1 = JSON.parse(serializeCheckpoint(cp));
    v1.version = 1;
    v1.spec.shape = { D: 7, H: 12, C: 4 };
    const back = parseCheckpoint(JSON.stringify(v1), 'old.json');
    expect(back.spec).toEqual({ kind: 'mlp', shape: { D: 7, hidden: [12], C: 4 } });
    expect(readRunSettings(runSettingPairs(back.settings)).settings.hidden).toEqual([12]);
    const resumed = await Session.create(config, dataFor(spec), null);
    await restoreCheckpoint(resumed, back);
    train(session, 3);
    train(resumed, 3);
    const [a, b] = [await stateOf(session), await stateOf(resumed)];
    for (const name of ['W1', 'b1', 'W2', 'b2']) expect(bits(b.params[name] as Float64Array), name).toEqual(bits(a.params[name] as Float64Array));
  });

  it('saves a deeper network as version 4, its widths in the spec and its hidden setting as the link writes it', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 7, hidden: [6, 5, 4], C: 4, activation: 'relu' } };
    const session = await Session.create(configFor(spec, { kind: 'adam', lr: 0.01 }), dataFor(spec), null);
    train(session, 2);
    const cp = await captureCheckpoint(session, { model: 'mlp', hidden: [6, 5, 4] });
    const doc = JSON.parse(serializeCheckpoint(cp));
    expect(doc.version).toBe(4);
    expect(doc.spec.shape).toEqual({ D: 7, hidden: [6, 5, 4], C: 4, activation: 'relu' });
    expect(doc.settings.hidden).toBe('6,5,4');
    expect(Object.keys(doc.engines.cpu.params)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4']);
    expect(parseCheckpoint(JSON.stringify(doc), 'deep.json')).toEqual(cp);
  });

  it('reads a run on a user’s file from before version 3 with no test share (it trained on every row), and a newer one as saved', async () => {
    const [spec, overrides] = cases[0]!;
    const session = await Session.create(configFor(spec, overrides), dataFor(spec), null);
    train(session, 2);
    const doc = JSON.parse(serializeCheckpoint(await captureCheckpoint(session, { model: 'mlp', dataset: 'file', testShare: 0.5 })));
    expect(parseCheckpoint(JSON.stringify(doc), 'now.json').settings.testShare).toBe(0.5);
    delete doc.settings.testShare; // at its default
    expect(readRunSettings(runSettingPairs(parseCheckpoint(JSON.stringify(doc), 'now.json').settings)).settings.testShare).toBe(0.2);
    for (const version of [1, 2]) {
      const old = structuredClone(doc);
      old.version = version;
      if (version === 1) old.spec.shape = { D: 7, H: 12, C: 4 };
      expect(parseCheckpoint(JSON.stringify(old), 'old.json').settings.testShare, `version ${version}`).toBe(0);
      old.settings.testShare = 0.5;
      expect(parseCheckpoint(JSON.stringify(old), 'old.json').settings.testShare, `version ${version}`).toBe(0);
    }
    // A 2-D set had its test set all along.
    const spiral = structuredClone(doc);
    spiral.version = 2;
    spiral.settings = { dataset: 'spiral', testShare: 0.5 };
    expect(parseCheckpoint(JSON.stringify(spiral), 'old.json').settings.testShare).toBe(0.5);
  });

  it('writes one .npy per tensor with its shape', async () => {
    const [spec, overrides] = cases[0]!;
    const cp = await checkpointAfter(configFor(spec, overrides), dataFor(spec), 3);
    const files = checkpointNpyFiles(cp);
    expect(files.map((f) => f.fileName)).toEqual(['params', 'm', 'v'].flatMap((part) => ['W1', 'b1', 'W2', 'b2'].map((t) => `cpu-${part}-${t}.npy`)));
    const w1 = files[0]!.bytes;
    const headerLength = new DataView(w1.buffer, w1.byteOffset).getUint16(8, true);
    expect(new TextDecoder().decode(w1.subarray(10, 10 + headerLength))).toContain("'descr': '<f8', 'fortran_order': False, 'shape': (12, 7)");
    const values = new Float64Array(w1.slice(10 + headerLength).buffer);
    expect(bits(values)).toEqual(bits(cp.engines.reference!.params.W1 as Float64Array));
  });

  it('restores a GPU (float32) checkpoint into the CPU engine', async () => {
    const [spec, overrides] = cases[2]!;
    const config = configFor(spec, overrides);
    const cp = await checkpointAfter(config, dataFor(spec), 5);
    const state = cp.engines.reference!;
    const toF32 = (r: Record<string, Float32Array | Float64Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float32Array.from(v)]));
    const gpuOnly: Checkpoint = { ...cp, engines: { gpu: { ...state, params: toF32(state.params), m: toF32(state.m), v: toF32(state.v) } } };
    const session = await Session.create(config, dataFor(spec), null);
    await restoreCheckpoint(session, parseCheckpoint(serializeCheckpoint(gpuOnly), 'gpu.json'));
    expect(session.step).toBe(5);
    expect(Array.from((await stateOf(session)).params.W!)).toEqual(Array.from(gpuOnly.engines.gpu!.params.W!));
  });

  it('keeps each engine under its file key: the reference as "cpu" (its name in version 1), the float32 CPU engine as "cpu-f32"', async () => {
    const [spec, overrides] = cases[0]!;
    const cp = await checkpointAfter(configFor(spec, overrides), dataFor(spec), 3);
    const reference = cp.engines.reference!;
    const toF32 = (r: Record<string, Float32Array | Float64Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float32Array.from(v)]));
    const cpu = { ...reference, params: toF32(reference.params), m: toF32(reference.m), v: toF32(reference.v) };
    // A race saved by the page before the race was called so: its engine setting is "both".
    const raced: Checkpoint = { ...cp, settings: { dataset: 'xor', engine: 'both' }, engines: { cpu, reference } };
    const doc = JSON.parse(serializeCheckpoint(raced));
    expect(Object.keys(doc.engines)).toEqual(['cpu-f32', 'cpu']);
    expect([doc.engines['cpu-f32'].params.W1.dtype, doc.engines.cpu.params.W1.dtype]).toEqual(['float32', 'float64']);
    expect(checkpointNpyFiles(raced).map((f) => f.fileName)).toContain('cpu-f32-params-W1.npy');
    const back = parseCheckpoint(JSON.stringify(doc), 'race.json');
    expect(back).toEqual(raced);
    expect(back.engines.cpu!.params.W1).toBeInstanceOf(Float32Array);
    expect(back.engines.reference!.params.W1).toBeInstanceOf(Float64Array);
    // The page reads the settings of the file as a link's (page-files.ts): engine "both" is the race.
    const read = readSettings(Object.entries(back.settings).map(([k, v]) => [k, String(v)]));
    expect(read.problems).toEqual([]);
    expect(read.settings.engine).toBe('race');
    // A file of the builds before the float32 engine holds the reference alone, under "cpu".
    delete doc.engines['cpu-f32'];
    expect(Object.keys(parseCheckpoint(JSON.stringify(doc), 'old.json').engines)).toEqual(['reference']);
    // The engine ids are not file keys.
    doc.engines.reference = doc.engines.cpu;
    expect(() => parseCheckpoint(JSON.stringify(doc), 'ids.json')).toThrow(/engines has an unknown engine "reference" \(gpu or cpu-f32 or cpu\)/);
  });

  it('refuses a checkpoint of another model, batch, seed or data, and leaves the run alone', async () => {
    const [spec, overrides] = cases[0]!;
    const config = configFor(spec, overrides);
    const cp = await checkpointAfter(config, dataFor(spec), 4);
    const session = await Session.create({ ...config, spec: { kind: 'mlp', shape: { D: 7, hidden: [13], C: 4 } }, seed: 3 }, dataFor(spec), null);
    train(session, 2);
    const before = (await stateOf(session)).params.W1!.slice();
    await expect(restoreCheckpoint(session, cp)).rejects.toThrow(UserError);
    await expect(restoreCheckpoint(session, cp)).rejects.toThrow(
      /does not fit this run: it holds an MLP 7-12-4, this run has an MLP 7-13-4; its seed is 11, this run's 3/,
    );
    expect(session.step).toBe(2);
    expect((await stateOf(session)).params.W1).toEqual(before);
  });

  it('keeps a regression in the spec (one output), which a classifier’s run never writes, and refuses a malformed one', async () => {
    const spec: SessionConfig['spec'] = { kind: 'mlp', shape: { D: 3, hidden: [5], C: 1, problem: 'regression' } };
    const rng = new Rng(8);
    const N = 40;
    const targets = Float32Array.from({ length: N }, () => rng.normal());
    const X = Float32Array.from({ length: N * 3 }, () => rng.uniform(-1, 1));
    const data: DataSplit = { train: { name: 'real', X, labels: new Uint32Array(targets.buffer), N, D: 3, classes: 1, regression: true } };
    const cp = await checkpointAfter(configFor(spec, { kind: 'adam', lr: 0.01 }), data, 3);
    const text = serializeCheckpoint(cp);
    expect(JSON.parse(text).version).toBe(CHECKPOINT_VERSION); // older builds refuse "problem" as an unexpected key: no version of its own
    expect(parseCheckpoint(text, 'run.json').spec).toEqual(spec);
    const classifier = JSON.parse(serializeCheckpoint(await checkpointAfter(configFor(cases[0]![0], {}), dataFor(cases[0]![0]), 1)));
    expect(Object.keys(classifier.spec.shape)).not.toContain('problem');
    const bad: Array<[(doc: { spec: { shape: Record<string, unknown> } }) => void, RegExp]> = [
      [(d) => (d.spec.shape.problem = 'ranking'), /spec\.shape\.problem must be one of classification, regression/],
      [(d) => (d.spec.shape.C = 2), /spec\.shape\.C must be a whole number from 1 to 1/],
      [(d) => delete d.spec.shape.problem, /spec\.shape\.C must be a whole number from 2/],
    ];
    for (const [edit, message] of bad) {
      const doc = JSON.parse(text);
      edit(doc);
      expect(() => parseCheckpoint(JSON.stringify(doc), 'run.json'), String(message)).toThrow(message);
    }
  });

  it('refuses malformed files with a message that names the field', async () => {
    const [spec, overrides] = cases[0]!;
    const good = JSON.parse(serializeCheckpoint(await checkpointAfter(configFor(spec, overrides), dataFor(spec), 4)));
    const nan = new Uint8Array(24); // three float64, 32 base64 characters without padding
    new DataView(nan.buffer).setFloat64(0, Number.NaN, true);
    const huge = new Uint8Array(24);
    new DataView(huge.buffer).setFloat64(0, 3e38, true);
    // biome-ignore lint/suspicious/noExplicitAny: a parsed file broken on purpose, field by field
    const bad: Array<[(doc: any) => void, RegExp]> = [
      [(d) => (d.version = 5), /version 5 is not supported \(only 1 to 4\)/],
      [(d) => (d.version = 2.5), /version 2\.5 is not supported \(only 1 to 4\)/],
      [(d) => (d.format = 'other'), /format must be/],
      [(d) => (d.spec.shape.hidden = [12, 0]), /spec\.shape\.hidden\[1\] must be a whole number from 1/],
      [(d) => (d.spec.shape.hidden = [1, 2, 3, 4, 5]), /spec\.shape\.hidden must be a list of 1 to 4 layer widths/],
      [(d) => (d.spec.shape.hidden = 12), /spec\.shape\.hidden must be a list/],
      [(d) => (d.version = 1), /spec\.shape has no 'H'/],
      [(d) => (d.engines.cpu.params.W1.shape = [7, 12]), /engines\.cpu\.params\.W1\.shape must be \[12, 7\]/],
      [(d) => (d.engines.cpu.params.b2.data = d.engines.cpu.params.b2.data.slice(4)), /b2\.data has 40 characters, 44 expected/],
      [(d) => (d.engines.cpu.m.b2.data = `${'A'.repeat(11)}!${d.engines.cpu.m.b2.data.slice(12)}`), /m\.b2\.data is not base64/],
      [
        (d) => (d.engines.cpu.params.b1.data = `${Buffer.from(nan).toString('base64')}${d.engines.cpu.params.b1.data.slice(32)}`),
        /params\.b1 element 0 is NaN/,
      ],
      [(d) => (d.engines.cpu.optimizerStep = 5), /optimizerStep must be a whole number from 0 to 4/],
      // A step counter the kernels' u32 would wrap (Adam's 1 − β^t would be 0), and weights that overflow.
      [(d) => (d.engines.cpu.step = 4294967295), /engines\.cpu\.step must be a whole number from 0 to 2147483647/],
      [
        (d) => (d.engines.cpu.params.b1.data = `${Buffer.from(huge).toString('base64')}${d.engines.cpu.params.b1.data.slice(32)}`),
        /params\.b1 element 0 is 3e\+38, beyond ±10000: training from it would overflow float32 at once/,
      ],
      [(d) => (d.engines = {}), /holds no engine/],
      [(d) => (d.engines.tpu = {}), /unknown engine "tpu"/],
      [(d) => (d.optimizer.kind = 'lion'), /optimizer\.kind must be one of/],
      [(d) => (d.settings.x = { y: 1 }), /settings\.x must be a short string/],
      [(d) => (d.extra = 1), /unexpected key "extra"/],
      [(d) => (d.data.D = 8), /data\.D is 8, but the model takes 7 inputs/],
    ];
    for (const [edit, message] of bad) {
      const doc = structuredClone(good);
      edit(doc);
      expect(() => parseCheckpoint(JSON.stringify(doc), 'run.json'), String(message)).toThrow(message);
      try {
        parseCheckpoint(JSON.stringify(doc), 'run.json');
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        expect((error as Error).message).toMatch(/^run\.json: /);
      }
    }
    expect(() => parseCheckpoint('{"format": ', 'x.json')).toThrow(/x\.json: not a JSON file/);
    expect(() => parseCheckpoint(new Uint8Array([0xff, 0xfe]), 'x.json')).toThrow(/not valid UTF-8/);
  });
});

describe('the loss history in a checkpoint', () => {
  /** A session on the reference engine whose per-step metrics go to a log, as the page's and the CLI's do. */
  async function loggedSession(config: SessionConfig, data: DataSplit) {
    const session = await Session.create(config, data, null);
    const log = new MetricsLog();
    session.onMetrics = (engine, metrics) => log.add(engine, metrics);
    return { session, log };
  }

  it('keeps each engine’s history through the file, so that a resumed run’s recent loss is the uninterrupted run’s', async () => {
    const [spec, overrides] = cases[0]!;
    const config = configFor(spec, overrides);
    const straight = await loggedSession(config, dataFor(spec));
    train(straight.session, 30);
    const cp = await captureCheckpoint(straight.session, { model: 'mlp' }, straight.log);
    const doc = JSON.parse(serializeCheckpoint(cp));
    expect(doc.history.cpu.step).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const back = parseCheckpoint(JSON.stringify(doc), 'run.json');
    expect(back).toEqual(cp);
    expect(back.history!.reference).toEqual(straight.log.of('reference'));

    // Resumed as the page does it: the state restored, the log started from the file's history.
    const resumed = await loggedSession(config, dataFor(spec));
    await restoreCheckpoint(resumed.session, back);
    resumed.log.add('reference', checkpointHistory(back, 'reference'));
    // The status line's training loss, the mean of the last 20 steps, at the step saved and 5 steps on.
    expect(resumed.log.recentLoss('reference', 20)).toBe(straight.log.recentLoss('reference', 20));
    train(straight.session, 5);
    train(resumed.session, 5);
    expect(resumed.log.recentLoss('reference', 20)).toBe(straight.log.recentLoss('reference', 20));
    expect(resumed.log.of('reference')).toEqual(straight.log.of('reference'));
    // An engine the file did not hold continues from the first one's state, and so from its history.
    expect(checkpointHistory(back, 'gpu')).toBe(back.history!.reference);
  });

  it('has none without a log or before a step, and a file without one loads with none', async () => {
    const [spec, overrides] = cases[0]!;
    const { session, log } = await loggedSession(configFor(spec, overrides), dataFor(spec));
    expect((await captureCheckpoint(session, {}, log)).history).toBeUndefined();
    train(session, 3);
    const without = await captureCheckpoint(session, {});
    expect(without.history).toBeUndefined();
    expect(Object.keys(JSON.parse(serializeCheckpoint(without)))).not.toContain('history');
    expect(checkpointHistory(without, 'reference')).toEqual([]);
    // Versions 1 to 3 had no history: their files load with none.
    const old = JSON.parse(serializeCheckpoint(without));
    old.version = 3;
    expect(parseCheckpoint(JSON.stringify(old), 'old.json').history).toBeUndefined();
  });

  it('refuses a history that is malformed, out of order, too long or in an older version, naming the field', async () => {
    const [spec, overrides] = cases[0]!;
    const { session, log } = await loggedSession(configFor(spec, overrides), dataFor(spec));
    train(session, 6);
    const good = JSON.parse(serializeCheckpoint(await captureCheckpoint(session, {}, log)));
    expect(good.history.cpu.step).toEqual([0, 1, 2, 3, 4, 5]);
    const many = Array.from({ length: MAX_HISTORY_POINTS + 1 }, (_, i) => i);
    // biome-ignore lint/suspicious/noExplicitAny: a parsed file broken on purpose, field by field
    const bad: Array<[(doc: any) => void, RegExp]> = [
      [(d) => (d.version = 3), /history came with version 4: this file says it is older/],
      [(d) => (d.history.cpu.loss = d.history.cpu.loss.slice(1)), /history\.cpu must have "step", "loss" and "accuracy" lists of one length/],
      [(d) => (d.history.cpu.accuracy = 0.5), /history\.cpu must have "step", "loss" and "accuracy" lists of one length/],
      [(d) => delete d.history.cpu.accuracy, /history\.cpu has no 'accuracy'/],
      [
        (d) => (d.history.cpu.step = [0, 1, 3, 2, 4, 5]),
        /history\.cpu\.step\[3\] must be a whole number after the one before it \(3\) and before the engine's step 6, is 2/,
      ],
      [(d) => (d.history.cpu.step = [0, 1, 2, 2, 4, 5]), /history\.cpu\.step\[3\] must be a whole number after the one before it \(2\)/],
      [(d) => (d.history.cpu.step = [1, 2, 3, 4, 5, 6]), /history\.cpu\.step\[5\] must be a whole number .* before the engine's step 6, is 6/],
      [(d) => (d.history.cpu.step = [-1, 1, 2, 3, 4, 5]), /history\.cpu\.step\[0\] must be a whole number/],
      [(d) => (d.history.cpu.step[2] = 2.5), /history\.cpu\.step\[2\] must be a whole number/],
      [(d) => (d.history.cpu.loss[4] = null), /history\.cpu\.loss\[4\] must be a number/],
      [(d) => (d.history.cpu.accuracy[1] = 1.5), /history\.cpu\.accuracy\[1\] must be a number from 0 to 1, is 1\.5/],
      [(d) => (d.history.cpu = { step: many, loss: many, accuracy: many }), /history\.cpu has 100001 points, more than 100000/],
      [(d) => (d.history.gpu = d.history.cpu), /history has "gpu", which is not an engine of "engines"/],
      [(d) => (d.history = []), /history must be a JSON object/],
    ];
    for (const [edit, message] of bad) {
      const doc = structuredClone(good);
      edit(doc);
      expect(() => parseCheckpoint(JSON.stringify(doc), 'run.json'), String(message)).toThrow(message);
      expect(() => parseCheckpoint(JSON.stringify(doc), 'run.json')).toThrow(UserError);
    }
  });
});
