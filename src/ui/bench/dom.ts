// The few DOM builders the benchmark view and its comparison table share.
import { formatRate } from '../format';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A view button (the views' .view-button). */
export function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'view-button', label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A table whose first row is the header. */
export function table(rows: string[][]): HTMLTableElement {
  const t = el('table', 'bench-table');
  rows.forEach((cells, i) => {
    const tr = el('tr', '');
    for (const c of cells) tr.append(el(i === 0 ? 'th' : 'td', '', c));
    t.append(tr);
  });
  return t;
}

/** Milliseconds to three significant figures or so: 0.0131, 0.42, 17.3, 267. */
export const fmtMs = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 0.1 || ms <= 0 ? ms.toFixed(2) : String(Number(ms.toPrecision(3)));

/** Steps per second from ms per step, as the status line writes rates: 76,220, 400, 37.7. */
export const fmtRate = (ms: number) => formatRate(1000 / ms);

/** A ratio of two times: 2.96×, 0.0131×. */
export const fmtRatio = (r: number) => `${r >= 0.1 ? r.toFixed(2) : String(Number(r.toPrecision(3)))}×`;
