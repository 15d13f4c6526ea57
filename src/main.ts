// Wiring only: find the page's elements, open a WebGPU device, start the trainer.
import { openDevice } from './gpu/device';
import { startMinimalTrainer } from './ui/minimal-trainer';

const el = {
  controls: document.getElementById('controls')!,
  status: document.getElementById('status')!,
  log: document.getElementById('log')!,
};

function fail(message: string): void {
  el.status.textContent = message;
  el.status.classList.add('error');
}

openDevice(navigator.gpu)
  .then((ctx) => {
    ctx.device.lost.then((info) => fail(`The GPU device was lost: ${info.message || info.reason}. Reload the page.`));
    return startMinimalTrainer(ctx, el);
  })
  .catch((error: Error) => fail(`${error.message}. This demo needs WebGPU: use a recent Chrome or Edge (in Chromium on Linux, start it with --enable-unsafe-webgpu).`));
