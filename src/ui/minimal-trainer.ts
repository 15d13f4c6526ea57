// The first page: trains the MLP on MNIST on the GPU and prints the loss. The engine does the work;
// this file only loads data, starts and stops the loop, and writes text into the page.
import GUI from 'lil-gui';
import { loadMnist } from '../data/mnist';
import type { DataSplit } from '../data/dataset';
import { uploadDataset, type DeviceDataset } from '../gpu/dataset-buffers';
import type { GpuContext } from '../gpu/device';
import { buildNetwork, tensorShapes } from '../models/build';
import { GpuModel } from '../models/model';
import { DEFAULT_OPTIMIZER } from '../reference/optimizer';
import { initParams } from '../train/init';
import { Rng } from '../train/rng';
import { Trainer } from '../train/trainer';

export interface PageElements {
  controls: HTMLElement;
  status: HTMLElement;
  log: HTMLElement;
}

/** Fetches one MNIST file from the page's own server (see src/data/mnist-assets-plugin.ts). */
async function fetchMnistFile(file: string): Promise<Uint8Array> {
  const response = await fetch(`${import.meta.env.BASE_URL}mnist/${file}`);
  if (!response.ok) throw new Error(`could not load mnist/${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function startMinimalTrainer(ctx: GpuContext, el: PageElements): Promise<void> {
  const settings = { hidden: 128, batch: 64, lr: 0.1, seed: 1, stepsPerFrame: 4, running: false };
  const log = (line: string) => {
    el.log.textContent += `${line}\n`;
    el.log.scrollTop = el.log.scrollHeight;
  };
  el.status.textContent = 'Loading MNIST…';
  const data: DataSplit = await loadMnist(fetchMnistFile);
  const testSet = data.test!;
  const device = ctx.device;
  const trainSet: DeviceDataset = uploadDataset(device, data.train);
  const testOnGpu: DeviceDataset = uploadDataset(device, testSet);
  log(`MNIST: ${data.train.N} training and ${testSet.N} test images on ${ctx.adapterName}`);

  let session: { model: GpuModel; trainer: Trainer } | null = null;
  let frames = 0;

  async function reset(): Promise<void> {
    session?.trainer.destroy();
    session?.model.destroy();
    const spec = { kind: 'mlp' as const, shape: { D: 784, H: settings.hidden, C: 10 } };
    const network = await buildNetwork(device, spec);
    const model = await GpuModel.create(device, network, { batch: settings.batch, optimizer: { ...DEFAULT_OPTIMIZER, lr: settings.lr } });
    model.setParams(initParams(tensorShapes(network), new Rng(settings.seed)));
    model.setData(trainSet);
    const trainer = new Trainer(model, trainSet.N, settings.seed);
    const stepsPerEpoch = model.stepsPerEpoch();
    trainer.onMetrics = (metrics) => {
      const last = metrics.at(-1);
      if (!last) return;
      const mean = metrics.reduce((s, m) => s + m.loss, 0) / metrics.length;
      el.status.textContent = `step ${last.step + 1} · epoch ${((last.step + 1) / stepsPerEpoch).toFixed(2)} · loss ${mean.toFixed(4)} · ${ctx.adapterName}`;
      log(`step ${String(last.step + 1).padStart(6)}  loss ${mean.toFixed(4)}  batch accuracy ${(last.accuracy * 100).toFixed(1)}%`);
      if (Math.floor((last.step + 1) / stepsPerEpoch) > Math.floor((last.step + 1 - metrics.length) / stepsPerEpoch)) {
        void model.evaluate(testOnGpu).then((t) => log(`epoch done — test loss ${t.loss.toFixed(4)}, test accuracy ${(t.accuracy * 100).toFixed(2)}%`));
      }
    };
    session = { model, trainer };
    el.status.textContent = `Ready: 784–${settings.hidden}–10 MLP, batch ${settings.batch}, SGD at lr ${settings.lr}. Press train.`;
  }

  async function loop(): Promise<void> {
    if (!settings.running || !session) return;
    session.trainer.run(settings.stepsPerFrame);
    if (++frames % 8 === 0) await session.trainer.flush();
    else await session.trainer.throttle(2);
    requestAnimationFrame(() => void loop());
  }

  const gui = new GUI({ container: el.controls, title: 'Training' });
  gui.add(settings, 'hidden', 16, 1024, 16).name('hidden units').onFinishChange(() => void reset());
  gui.add(settings, 'batch', 8, 1024, 8).name('batch size').onFinishChange(() => void reset());
  gui.add(settings, 'lr', 0.001, 1, 0.001).name('learning rate').onChange(() => {
    void session?.model.setOptimizer({ ...session.model.settings, lr: settings.lr });
  });
  gui.add(settings, 'stepsPerFrame', 1, 64, 1).name('steps per frame');
  gui.add({ train: () => { if (!settings.running) { settings.running = true; void loop(); } } }, 'train');
  gui.add({ pause: () => (settings.running = false) }, 'pause');
  gui.add({ reset: () => { settings.running = false; void reset(); } }, 'reset');
  await reset();
}
