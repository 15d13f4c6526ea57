// The URL hash round trip: every setting survives it, and bad or hostile values are refused one by
// one with a message while the rest still apply.
import { describe, expect, it } from 'vitest';
import type { SettingValue } from '../src/train/checkpoint-format';
import { savedSettings } from '../src/train/run-settings';
import { divergenceAdvice } from '../src/ui/diagnosis';
import { formatNumber } from '../src/ui/format';
import { decodeHash, DEFAULTS, encodeHash, readSettings, type PageSettings } from '../src/ui/settings';

describe('settings in the URL hash', () => {
  it('round-trips a full configuration', () => {
    const s: PageSettings = {
      ...DEFAULTS,
      model: 'autoencoder',
      activation: 'tanh',
      dataset: 'blobs',
      samples: 950,
      noise: 0.35,
      code: 2,
      batch: 17,
      lr: 0.0123,
      optimizer: 'momentum',
      momentum: 0.85,
      nesterov: true,
      weightDecay: 0.001,
      l1: 0.0002,
      initScale: 0.5,
      seed: 99,
      stepsPerFrame: 12,
      engine: 'race',
      logScale: true,
    };
    const { settings, problems } = decodeHash(encodeHash(s));
    expect(problems).toEqual([]);
    expect(settings).toEqual(s);
  });

  it('carries the hidden layers as a list: hidden=32,16', () => {
    const s: PageSettings = { ...DEFAULTS, hidden: [32, 16], activation: 'relu' };
    expect(encodeHash(s)).toBe('#hidden=32%2C16&activation=relu');
    expect(decodeHash('#hidden=32,16&activation=relu').settings).toEqual(s);
    expect(decodeHash('#hidden= 8 , 4,2,1').settings.hidden).toEqual([8, 4, 2, 1]);
    for (const [hash, why] of [
      ['#hidden=1,2,3,4,5', /hidden must be 1 to 4 comma-separated entries \(got 5\)/],
      ['#hidden=8,0', /each of which must be an integer from 1 to 4096/],
      ['#hidden=8,,4', /each of which must be an integer/],
      ['#hidden=8,4097', /from 1 to 4096/],
      ['#hidden=', /hidden must be/],
    ] as const) {
      const { settings, problems } = decodeHash(hash);
      expect(settings.hidden, hash).toEqual(DEFAULTS.hidden);
      expect(problems.join('\n'), hash).toMatch(why);
    }
  });

  it("carries the mistake of the gallery, reads the older wrongDerivative switch, and hides an exercise's mistake", () => {
    expect(decodeHash('#mistake=bias-one-row').settings.mistake).toBe('bias-one-row');
    expect(decodeHash('#wrongDerivative=true')).toEqual({ settings: { ...DEFAULTS, mistake: 'swish-prime' }, problems: [], refused: [] });
    expect(decodeHash('#wrongDerivative=false')).toEqual({ settings: DEFAULTS, problems: [], refused: [] });
    expect(decodeHash('#mistake=typo').problems[0]).toMatch(/^mistake must be one of none, swish-prime, .*update-sign, not 'typo'$/);
    expect(encodeHash({ ...DEFAULTS, mistake: 'w2-layout' })).toBe('#mistake=w2-layout');
    expect(encodeHash({ ...DEFAULTS, mistake: 'w2-layout', exercise: 12 })).toBe('#exercise=12');
  });

  it('reads the race under its earlier name, engine=both, from a link and from a run file, and writes it as engine=race', () => {
    const race = { ...DEFAULTS, engine: 'race' as const, dataset: 'xor' as const };
    expect(decodeHash('#dataset=xor&engine=both')).toEqual({ settings: race, problems: [], refused: [] });
    expect(encodeHash(race)).toBe('#dataset=xor&engine=race');
    expect(decodeHash(encodeHash(race)).settings).toEqual(race);
    // A run file's settings, as the page reads them (page-files.ts): flat JSON values, their text.
    const saved: Record<string, SettingValue> = { dataset: 'xor', hidden: '32', engine: 'both', logScale: false };
    expect(readSettings(Object.entries(saved).map(([k, v]) => [k, String(v)]))).toEqual({ settings: race, problems: [], refused: [] });
    // Only the engine's old value is renamed: a setting named both, or another engine, is not.
    expect(decodeHash('#engine=gpu-reference').settings.engine).toBe('gpu-reference');
    expect(decodeHash('#dataset=both').problems[0]).toMatch(/^dataset must be one of .*, not 'both'$/);
    expect(decodeHash('#engine=toString').problems[0]).toMatch(/^engine must be one of gpu, cpu, reference, race, gpu-reference, not 'toString'$/);
    expect(decodeHash('#toString=both').problems).toEqual(["unknown setting 'toString'"]);
  });

  it("names a mistake of the gallery as the likely cause of a blow-up, but not an exercise's", () => {
    expect(divergenceAdvice({ ...DEFAULTS, mistake: 'no-batch-mean', batch: 64 }).cause).toMatch(/no-batch-mean makes every step 64 times/);
    expect(divergenceAdvice({ ...DEFAULTS, mistake: 'update-sign' }).cause).toMatch(/update-sign/);
    // A run file loaded shortly before is named first; the settings' own suspects follow.
    const loaded = divergenceAdvice({ ...DEFAULTS, lr: 5, optimizer: 'sgd' }, { name: 'run.json', step: 300, after: 12 });
    expect(loaded.cause).toMatch(
      /^Likely cause: the run loaded from run\.json \(at step 300\) went wrong 12 steps later, so its weights or optimizer state are the first suspect; the learning rate 5 is high for SGD\.$/,
    );
    expect(divergenceAdvice({ ...DEFAULTS, mistake: 'update-sign', exercise: 3 }).cause).not.toMatch(/update-sign/);
  });

  it('formats numbers for people: three significant digits, scientific past a million and below a thousandth', () => {
    expect([0.54481, 1.0986, 12.345, 123.45, 4321.9, 0, -0.25].map(formatNumber)).toEqual(['0.545', '1.1', '12.3', '123', '4,322', '0', '-0.25']);
    expect(formatNumber(3.8116227477685532e28)).toBe('3.81e+28');
    expect(formatNumber(0.00012345)).toBe('1.23e-4');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('writes nothing for the defaults', () => {
    expect(encodeHash(DEFAULTS)).toBe('');
    expect(decodeHash('').settings).toEqual(DEFAULTS);
  });

  it('refuses bad values one by one and keeps the good ones', () => {
    const { settings, problems } = decodeHash('#lr=abc&hidden=-3&batch=2.5&model=cnn&nesterov=yes&seed=7&__proto__=x&noise=Infinity');
    expect(settings.seed).toBe(7);
    expect(settings.lr).toBe(DEFAULTS.lr);
    expect(settings.hidden).toEqual(DEFAULTS.hidden);
    expect(settings.batch).toBe(DEFAULTS.batch);
    expect(settings.model).toBe(DEFAULTS.model);
    expect(settings.noise).toBe(DEFAULTS.noise);
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/lr must be a number/);
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // no prototype pollution
  });

  it('reads numbers as the CLI does: decimal only, whole numbers written as such', () => {
    const { settings, problems } = decodeHash('#hidden=0x20&batch=1e2&seed=0x10&lr=0x1&noise=.25&initScale=2e-1&samples=800');
    expect(settings.hidden).toEqual(DEFAULTS.hidden);
    expect(settings.batch).toBe(DEFAULTS.batch);
    expect(settings.seed).toBe(DEFAULTS.seed);
    expect(settings.lr).toBe(DEFAULTS.lr);
    expect([settings.noise, settings.initScale, settings.samples]).toEqual([0.25, 0.2, 800]);
    expect(problems).toEqual([
      "hidden must be 1 to 4 comma-separated entries, each of which must be an integer from 1 to 4096, not '0x20'",
      "batch must be an integer from 1 to 4096, not '1e2'",
      expect.stringMatching(/^seed must be an integer from 0 to \d+, not '0x10'$/),
      expect.stringMatching(/^lr must be a number from .*, not '0x1'$/),
    ]);
  });

  it('never restores a user file from a link (and says so), and refuses absurdly long hashes', () => {
    const file = decodeHash('#dataset=file&seed=4');
    expect(file.settings.dataset).toBe(DEFAULTS.dataset);
    expect(file.settings.seed).toBe(4);
    expect(file.problems).toEqual([expect.stringMatching(/^dataset=file names a file of yours, which a link cannot carry: load it with "load data…"/)]);
    const long = decodeHash(`#seed=${'9'.repeat(5000)}`);
    expect(long.settings).toEqual(DEFAULTS);
    expect(long.problems[0]).toMatch(/too long/);
  });

  it('carries the problem; a regression set alone reads as a regression, and a regression on classes trains on the plane', () => {
    const reg = decodeHash('#problem=regression&dataset=gauss-mix');
    expect(reg.problems).toEqual([]);
    expect(reg.settings).toMatchObject({ problem: 'regression', dataset: 'gauss-mix' });
    expect(encodeHash(reg.settings)).toBe('#dataset=gauss-mix&problem=regression');
    const alone = decodeHash('#dataset=plane');
    expect(alone.settings).toMatchObject({ problem: 'regression', dataset: 'plane' });
    expect(alone.problems).toEqual(['dataset=plane has real targets: reading problem=regression']);
    const onClasses = decodeHash('#problem=regression&dataset=xor');
    expect(onClasses.settings).toMatchObject({ problem: 'regression', dataset: 'plane' });
    expect(onClasses.problems[0]).toMatch(/^problem=regression: a regression needs real targets, and xor has classes .*; using plane$/);
    // The autoencoder fits no output: any set is its.
    expect(decodeHash('#model=autoencoder&dataset=plane').problems).toEqual([]);
    expect(decodeHash('#problem=ranking').problems).toEqual(["problem must be one of classification, regression, not 'ranking'"]);
  });

  it('leaves the newer settings out of a saved run at their defaults, so that older builds read it', () => {
    const saved = savedSettings({ ...DEFAULTS });
    expect(Object.keys(saved)).not.toContain('activation');
    expect(Object.keys(saved)).not.toContain('l1');
    expect(Object.keys(saved)).not.toContain('problem');
    expect(savedSettings({ ...DEFAULTS, problem: 'regression' })).toMatchObject({ problem: 'regression' });
    expect(savedSettings({ ...DEFAULTS, activation: 'tanh', l1: 0.01 })).toMatchObject({ activation: 'tanh', l1: 0.01 });
  });
});
