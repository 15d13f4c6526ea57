// Wiring only: open a WebGPU device (or explain why there is none), then start the app.
import 'uplot/dist/uPlot.min.css';
import './ui/style.css';
import './ui/views.css';
import { openDevice, type GpuContext } from './gpu/device';
import { keepTuningIn } from './gpu/tune';
import { App } from './ui/app';
import { registerServiceWorker } from './ui/service-worker';
import { localTuneStore } from './ui/tune-store';

const byId = (id: string) => document.getElementById(id)!;
const el = {
  panel: byId('panel'),
  runBar: byId('run-bar'),
  quickSettings: byId('quick-settings'),
  status: byId('status'),
  message: byId('message'),
  notice: byId('notice'),
  verdict: byId('verdict'),
  stage: byId('stage'),
  plots: byId('plots'),
  views: byId('views'),
};

const tuneStore = localTuneStore();

/** A device whose matmul tuning is kept across visits (src/ui/tune-store.ts). */
async function open(): Promise<GpuContext> {
  const gpu = await openDevice(navigator.gpu);
  if (tuneStore) keepTuningIn(gpu.device, tuneStore, gpu.adapterName);
  return gpu;
}

async function start(): Promise<void> {
  let gpu: GpuContext | null = null;
  let why = '';
  try {
    gpu = await open();
  } catch (error) {
    why = (error as Error).message;
  }
  // After a lost device the app asks for a new one the same way.
  const app = new App(el, gpu, open);
  (window as unknown as { app: App }).app = app; // read by the end-to-end tests
  registerServiceWorker({
    message: (text, actions) => app.message(text, actions),
    notice: (text) => app.notice(text),
    get step() {
      return app.inspect().step;
    },
    get running() {
      return app.inspect().running;
    },
  });
  if (!gpu) {
    app.message(
      `${why}. Training runs on the CPU engine, float32 in WebAssembly, instead. For the GPU, use a recent Chrome or Edge with hardware acceleration on ` +
        '(chrome://gpu shows WebGPU status; on Linux start Chromium with --enable-unsafe-webgpu).',
    );
  }
  await app.rebuild();
}

void start();
