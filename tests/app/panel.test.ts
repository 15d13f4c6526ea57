// End to end: the settings panel shows every number whole — small rates (0.0003, 1e-4 as 0.0001),
// rates near 1 (0.999, 0.99999) — in a field wide enough for it, at each window size.
import { describe, expect, it } from 'vitest';
import { useApp } from './harness';

const { open } = useApp();

/**
 * Runs in the page: each visible number field of the panel whose text, measured in its own font, is
 * wider than the room inside the field (its width less its padding), as "label: text".
 */
const clippedNumbers = () => {
  const ctx = document.createElement('canvas').getContext('2d')!;
  return [...document.querySelectorAll<HTMLElement>('#panel .lil-controller.lil-number')]
    .filter((c) => c.offsetParent !== null)
    .map((c) => ({ name: c.querySelector('.lil-name')?.textContent ?? '', input: c.querySelector('input')! }))
    .filter(({ input }) => {
      const style = getComputedStyle(input);
      ctx.font = style.font;
      const room = input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
      return ctx.measureText(input.value).width > room || input.scrollWidth > input.clientWidth;
    })
    .map(({ name, input }) => `${name}: ${input.value}`);
};

describe('the settings panel', () => {
  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
    [800, 600],
  ] as const) {
    it(`shows long numbers in full at ${width}×${height}`, { timeout: 90_000 }, async () => {
      const runs = [
        '#optimizer=momentum&momentum=0.999&lr=0.0003&weightDecay=1e-4&l1=0.0001&initScale=0.05',
        '#optimizer=adam&beta1=0.9999&beta2=0.99999&lr=0.00001&noise=0.25&testShare=0.35',
      ];
      for (const hash of runs) {
        const { page, errors } = await open(hash, { viewport: { width, height } });
        // A narrow window starts with the settings folded into the run bar's button: open the drawer, as a user would.
        if (width <= 800) await page.getByRole('button', { name: 'settings', exact: true }).click();
        const fields = page.locator('#panel .lil-controller.lil-number input:visible');
        await fields.first().waitFor(); // the drawer opens on the frame after the click (a busy machine's frames come late)
        const shown = await fields.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
        expect(shown).toEqual(expect.arrayContaining(hash.includes('momentum=') ? ['0.999', '0.0003', '0.0001'] : ['0.9999', '0.99999', '0.00001']));
        expect.soft(await page.evaluate(clippedNumbers), `${hash} at ${width}×${height}`).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }
    });
  }
});
