// Decompresses a gzip download with the platform's DecompressionStream, counting the compressed
// bytes as they arrive, so that a page can show a download's progress in the bytes that travel.

/**
 * Reads `body` (gzip data) to its end and returns it decompressed; `onBytes` gets the size of each
 * compressed chunk as it is read.
 * @throws Error naming `name` if the data is not valid gzip; a failure of `body` itself (the
 *   network) is rethrown as it is
 */
export async function gunzip(body: ReadableStream<Uint8Array<ArrayBuffer>>, name: string, onBytes?: (compressedBytes: number) => void): Promise<Uint8Array> {
  const reader = body.getReader();
  const source: { failed: boolean; error?: unknown } = { failed: false };
  const counted = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const chunk = await reader.read().catch((error: unknown) => {
        source.failed = true;
        source.error = error;
        throw error;
      });
      if (chunk.done) return controller.close();
      onBytes?.(chunk.value.byteLength);
      controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  try {
    return new Uint8Array(await new Response(counted.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  } catch (error) {
    if (source.failed) throw source.error;
    throw new Error(`${name} is not valid gzip data (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}
