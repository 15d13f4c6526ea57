// The derive card's link: the assignment, the student's text as base64url and a teacher's given
// lines round-trip through a hash; bad parts are left out with a message; the settings' codec and
// the derive part leave each other's keys alone.
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../src/base/base64';
import { Rng } from '../src/base/rng';
import { ASSIGNMENTS, solutionText } from '../src/derive';
import { encodeDeriveLink, MAX_LINK_TEXT_BYTES, readDeriveLink } from '../src/ui/derive/derive-link';
import { decodeHash } from '../src/ui/settings';

const fail = (what: string): never => {
  throw new Error(what);
};

describe('base64url', () => {
  it('round-trips every length of random bytes, with no padding and no + or /', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = encodeBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(text.length).toBe(Math.ceil((n * 4) / 3));
      expect(decodeBase64Url(text, fail)).toEqual(bytes);
    }
  });

  it('refuses padding, the standard alphabet and impossible lengths', () => {
    expect(() => decodeBase64Url('QQ==', fail)).toThrow(/not base64url/);
    expect(() => decodeBase64Url('a+b/', fail)).toThrow(/not base64url/);
    expect(() => decodeBase64Url('abcde', fail)).toThrow(/no whole number of bytes/);
    expect(() => decodeBase64Url('ab*d', fail)).toThrow(/character 2/);
  });
});

describe('the derive link', () => {
  it("round-trips every assignment's solution, comments and non-ASCII characters included", () => {
    for (const a of ASSIGNMENTS) {
      const work = `# ${a.title}: σ′ = σ(1 − σ), ½‖v‖²\n${solutionText(a)}`;
      const hash = encodeDeriveLink({ assignment: a.id, work, given: null });
      expect(hash).toMatch(new RegExp(`^#derive=${a.id}&work=[A-Za-z0-9_-]+$`));
      expect(readDeriveLink(hash)).toEqual({ link: { assignment: a.id, work, given: null }, problems: [] });
    }
  });

  it("a teacher's link names the given lines and no work", () => {
    const hash = encodeDeriveLink({ assignment: 'swish-mlp', work: null, given: ['dZ', 'dW2'] });
    expect(hash).toBe('#derive=swish-mlp&given=dZ,dW2');
    expect(readDeriveLink(hash)).toEqual({ link: { assignment: 'swish-mlp', work: null, given: ['dZ', 'dW2'] }, problems: [] });
    // Beside the run's settings and a hide list, in any order.
    expect(readDeriveLink('#hidden=8&given=db1&hide=loss&derive=deep-tanh').link).toEqual({ assignment: 'deep-tanh', work: null, given: ['db1'] });
  });

  it('leaves out what it cannot read, each with a message', () => {
    expect(readDeriveLink('#hidden=8')).toEqual({ link: null, problems: [] });
    expect(readDeriveLink('#derive=nope').problems[0]).toMatch(/^derive=nope: no such assignment \(the assignments are autoencoder, swish-mlp/);
    expect(readDeriveLink('#work=QUJD').problems).toEqual(['work without derive= names no assignment']);
    const bad = readDeriveLink('#derive=autoencoder&work=QQ==&given=dW,dX');
    expect(bad.link).toEqual({ assignment: 'autoencoder', work: null, given: ['dW'] });
    expect(bad.problems).toEqual(['work= is not base64url (it holds +, / or =)', 'given=: dX is not a line of autoencoder']);
    expect(readDeriveLink(`#derive=autoencoder&work=${encodeBase64Url(Uint8Array.of(0xff, 0xfe))}`).problems).toEqual(['work= is not text (UTF-8)']);
    const long = encodeBase64Url(new Uint8Array(MAX_LINK_TEXT_BYTES + 3).fill(65));
    expect(readDeriveLink(`#derive=autoencoder&work=${long}`).problems[0]).toMatch(/longer than a link's derivation can be/);
  });

  it("is not read as settings: the run's link codec takes no notice of it", () => {
    const hash = `${encodeDeriveLink({ assignment: 'swish-mlp', work: solutionText(ASSIGNMENTS[1]!), given: ['dZ'] })}&hidden=8`;
    const { settings, problems } = decodeHash(hash);
    expect(problems).toEqual([]);
    expect(settings.hidden).toEqual([8]);
  });
});
