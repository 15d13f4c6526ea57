// The derive card's pure parts: which verdict a line shows (a wrong line that is right with the true
// values of the lines it uses inherits them), which settings make the page's run an assignment's
// model, when the card refuses to train (in words), and the work kept per assignment.
import { describe, expect, it } from 'vitest';
import { assignmentById, assignmentProblem, checkDerivation, solutionText } from '../src/derive';
import { trainSettings, whyNotTrainable } from '../src/ui/derive/train-settings';
import { shownVerdict } from '../src/ui/derive/verdict-marks';
import { localWorkStore } from '../src/ui/derive/work-store';
import { DEFAULTS, type PageSettings } from '../src/ui/settings';

const swish = assignmentById('swish-mlp')!;

describe('the verdict a line shows', () => {
  const verdicts = (text: string) => {
    const report = checkDerivation(text, assignmentProblem(swish, 1), { required: swish.required });
    return Object.fromEntries(report.lines.map((r) => [r.name, shownVerdict(r)]));
  };

  it("the seed's swish′ slip σ(2 − σ): dV1 wrong, dW1 and db1 inherit it", () => {
    const slip = solutionText(swish).replace('(1 + V1 * (1 - sigmoid(V1)))', '(2 - sigmoid(V1))');
    expect(verdicts(slip)).toEqual({ dZ: 'right', dW2: 'right', db2: 'right', dY1: 'right', dV1: 'wrong', dW1: 'inherits', db1: 'inherits' });
  });

  it('a shape error on dY1: the line in error, the lines after it inherit it', () => {
    const v = verdicts(solutionText(swish).replace('dY1 = dZ @ W2', 'dY1 = dZ.T @ W2'));
    expect(v).toMatchObject({ dY1: 'error', dV1: 'inherits', dW1: 'inherits', db1: 'inherits' });
  });

  it('a line wrong on its own is wrong, even where it uses a wrong one', () => {
    expect(shownVerdict({ verdict: 'wrong' })).toBe('wrong');
    expect(shownVerdict({ verdict: 'wrong', inherits: [] })).toBe('wrong');
    expect(shownVerdict({ verdict: 'right' })).toBe('right');
    expect(shownVerdict({ verdict: 'helper' })).toBe('helper');
  });
});

describe('training settings', () => {
  const settings = (changes: Partial<PageSettings>): PageSettings => ({ ...DEFAULTS, ...changes });

  it('the seed assignment on the default run changes nothing but what the run must not have', () => {
    expect(trainSettings(swish, settings({ hidden: [32], activation: 'swish' }))).toEqual({});
    expect(trainSettings(swish, settings({ hidden: [32], activation: 'swish', mistake: 'swish-prime', exercise: 2 }))).toEqual({
      mistake: 'none',
      exercise: 0,
    });
  });

  it('a deeper assignment takes its depth from the first width, its activation, and an MLP', () => {
    const deep = assignmentById('deep-tanh')!;
    expect(trainSettings(deep, settings({ model: 'autoencoder', hidden: [40], activation: 'relu' }))).toEqual({
      model: 'mlp',
      hidden: [40, 20],
      activation: 'tanh',
    });
  });

  it('the autoencoder only changes the model, and never the engine', () => {
    expect(trainSettings(assignmentById('autoencoder')!, settings({ model: 'mlp', engine: 'cpu' }))).toEqual({ model: 'autoencoder' });
  });

  it('refuses in words: a custom activation, no GPU, an engine other than the GPU', () => {
    expect(whyNotTrainable(swish, settings({ engine: 'gpu' }), true)).toBeNull();
    expect(whyNotTrainable(assignmentById('custom-activation')!, settings({}), true)).toMatch(/no forward pass/);
    expect(whyNotTrainable(swish, settings({ engine: 'gpu' }), false)).toMatch(/no GPU/);
    expect(whyNotTrainable(swish, settings({ engine: 'race' }), true)).toMatch(/GPU engine alone, and this run's engine is GPU and CPU \(race\): choose GPU/);
    expect(whyNotTrainable(swish, settings({ engine: 'cpu' }), true)).toMatch(/engine is CPU \(float32\)/);
  });
});

describe('the work kept in the browser', () => {
  it('keeps one text per assignment and the last assignment (in memory where there is no storage)', () => {
    const store = localWorkStore();
    expect(store.text('swish-mlp')).toBeNull();
    store.save('swish-mlp', 'dZ = (A - T) / B');
    store.save('autoencoder', 'dV = V / B');
    expect(store.text('swish-mlp')).toBe('dZ = (A - T) / B');
    expect(store.text('autoencoder')).toBe('dV = V / B');
    expect(store.lastAssignment()).toBe('autoencoder');
  });
});
