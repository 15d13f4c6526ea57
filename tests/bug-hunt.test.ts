// The find-the-bug exercise's tries (src/ui/math/bug-hunt.ts): three wrong picks, each said with the
// tries left, before the answer is offered; a line tried already costs nothing.
import { describe, expect, it } from 'vitest';
import { BugHunt, TRIES } from '../src/ui/math/bug-hunt';

describe('the find-the-bug tries', () => {
  it('allows three wrong picks, saying how many are left, then no more', () => {
    const hunt = new BugHunt(['GZ']);
    expect(TRIES).toBe(3);
    expect(hunt.pick('update')).toBe('wrong');
    expect(hunt.missText()).toMatch(/2 tries left/);
    expect(hunt.over).toBe(false);
    expect(hunt.pick('sp')).toBe('wrong');
    expect(hunt.missText()).toMatch(/1 try left/);
    expect(hunt.pick('z')).toBe('wrong');
    expect(hunt.missText()).toMatch(/last of 3 tries/);
    expect(hunt.over).toBe(true);
    // Over: even the right line no longer counts (the answer is offered instead).
    expect(hunt.pick('GZ')).toBe('ignored');
  });

  it('finds the mistake on any of its lines, and a line picked twice costs one try', () => {
    const hunt = new BugHunt(['dW1', 'dW2']);
    expect(hunt.pick('z')).toBe('wrong');
    expect(hunt.pick('z')).toBe('ignored');
    expect(hunt.left).toBe(2);
    expect(hunt.wasTried('z')).toBe(true);
    expect(hunt.pick('dW2')).toBe('right');
    expect(hunt.over).toBe(true);
  });
});
