// An error as a user should read it: our own messages (a size over the GPU's limits, a bad file) as
// they are; WebGPU's validation and mapping texts never, replaced by what happened and what to do.
// Their full text goes to the console for whoever debugs.

/** Words of WebGPU's own messages ("[Buffer "mlp/params"] used in submit while destroyed", "Failed to execute 'mapAsync'"). */
const WEBGPU_TEXT =
  /\[(Buffer|Texture|ComputePipeline|BindGroup|ShaderModule|CommandBuffer|Device)\b|destroyed|mapAsync|Failed to execute|GPUValidationError|Validation|validation|OperationError|AbortError/;

/** The message of `error` fit for the page; WebGPU's internals become a plain sentence. */
export function plainWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!WEBGPU_TEXT.test(message)) return message;
  console.warn(error);
  return 'the GPU could not run this network (its driver refused the work; details in the browser console). A smaller batch or network, or the CPU engine, may work';
}
