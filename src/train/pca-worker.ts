// The data's spectrum (pca-spectrum.ts) in a module Web Worker, so that the page stays responsive
// for the 4 s that MNIST takes. One data set per worker: its sizes and rows in (SpectrumRequest);
// progress, then the spectrum or an error, out.
import { computeSpectrum, type SpectrumMessage, type SpectrumRequest } from './pca-spectrum';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<SpectrumRequest>) => void) | null;
  postMessage(message: SpectrumMessage, transfer?: Transferable[]): void;
};

let X: Float32Array | Uint8Array = new Float32Array(0);
let sizes = { N: 0, n: 0 };
let received = 0;

scope.onmessage = (e) => {
  const message = e.data;
  if ('N' in message) {
    sizes = message;
    X = message.bytes ? new Uint8Array(message.N * message.n) : new Float32Array(message.N * message.n);
    return;
  }
  X.set(message.values, message.offset);
  received += message.values.length;
  if (received === X.length) start();
};

function start(): void {
  let percent = -1;
  const onProgress = (done: number) => {
    // One message per whole percent: the page redraws a line of text for each.
    const now = Math.floor(done * 100);
    if (now !== percent) scope.postMessage({ done: (percent = now) / 100 });
  };
  computeSpectrum(X, sizes.N, sizes.n, onProgress).then(
    (spectrum) => scope.postMessage({ spectrum }, [spectrum.values.buffer, spectrum.vectors.buffer]),
    (error: unknown) => scope.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
