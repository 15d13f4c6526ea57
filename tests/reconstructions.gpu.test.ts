// The reconstruction card for 2-D data, in Chromium: every given point on one plane (inputs as
// dots, reconstructions as rings on the line of W's row for code size 1), not bar pairs; the
// 784-value image pairs are unchanged.
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng';
import { hexToRgb, CLASS_COLOURS } from '../src/ui/views/colours';
import { ReconstructionView } from '../src/ui/views/reconstructions';

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

function host(): HTMLElement {
  const div = document.createElement('div');
  document.body.append(div);
  hosts.push(div);
  return div;
}

/** The visible canvases of the card and the colour at (x, y) CSS pixels of one. */
const visible = (el: HTMLElement) => Array.from(el.querySelectorAll('canvas')).filter((c) => c.style.display !== 'none');
function rgbAt(canvas: HTMLCanvasElement, x: number, y: number): [number, number, number] {
  const ratio = canvas.width / canvas.clientWidth;
  const d = canvas.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}

describe('ReconstructionView on the plane', () => {
  it('draws every point, inputs and their projections onto W’s row for code size 1', () => {
    const el = host();
    const view = new ReconstructionView(el);
    const rng = new Rng(2);
    const k = 300;
    const X = Float32Array.from({ length: 2 * k }, (_, i) => rng.normal() * (i % 2 === 0 ? 2 : 0.5));
    // Code size 1, W = [cos t, sin t]: reconstructions (w·x) w on the line at angle t.
    const t = 0.4;
    const w = [Math.cos(t), Math.sin(t)];
    const R = new Float32Array(2 * k);
    for (let i = 0; i < k; i++) {
      const z = w[0]! * X[2 * i]! + w[1]! * X[2 * i + 1]!;
      R[2 * i] = z * w[0]!;
      R[2 * i + 1] = z * w[1]!;
    }
    view.update(X, R, k, 2);
    const [plane, ...others] = visible(el);
    expect(others).toEqual([]);
    expect(plane!.clientWidth).toBe(plane!.clientHeight);
    expect(el.querySelector('.view-caption')!.textContent).toContain(`${k} points on the plane`);

    // The input farthest out is a blue dot where the equal-axis scaling puts it.
    let far = 0;
    let reach = 0;
    for (let i = 0; i < k; i++) {
      const r = Math.max(Math.abs(X[2 * i]!), Math.abs(X[2 * i + 1]!), Math.abs(R[2 * i]!), Math.abs(R[2 * i + 1]!));
      if (r > reach) reach = r;
      if (Math.hypot(X[2 * i]!, X[2 * i + 1]!) > Math.hypot(X[2 * far]!, X[2 * far + 1]!)) far = i;
    }
    const side = plane!.clientWidth;
    const scale = (side / 2 - 14) / reach;
    const at = rgbAt(plane!, side / 2 + X[2 * far]! * scale, side / 2 - X[2 * far + 1]! * scale);
    expect(at).toEqual([...hexToRgb(CLASS_COLOURS[0]!)]);

    // Going back to image pairs hides the plane and restores the pairs' caption.
    view.update(
      Float32Array.from({ length: 3 * 784 }, () => rng.next()),
      new Float32Array(3 * 784),
      3,
      784,
    );
    expect(visible(el)).toHaveLength(1);
    expect(visible(el)[0]).not.toBe(plane);
    expect(el.querySelector('.view-caption')!.textContent).toContain('Top row');
    expect(() => view.update(new Float32Array([Number.NaN, 1]), new Float32Array([1, Number.NaN]), 1, 2)).not.toThrow();
    expect(() => view.update(new Float32Array(0), new Float32Array(0), 0, 2)).not.toThrow();
    view.destroy();
    expect(el.childElementCount).toBe(0);
  });
});
