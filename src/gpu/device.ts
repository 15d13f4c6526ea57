// Finds an adapter and opens a device with the largest buffer limits the adapter allows,
// so that a full data set fits in one storage binding where the hardware permits it.
import { UserError } from '../base/errors';

/** A device together with what the UI and the CLI report about it. */
export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  adapterInfo: GPUAdapterInfo;
  /** e.g. "nvidia hopper (NVIDIA: 580.159.04)" or "google swiftshader (SwiftShader driver 5.0.0)". */
  adapterName: string;
  hasTimestamps: boolean;
}

/** Describes an adapter in one short phrase, e.g. "nvidia hopper (NVIDIA: 580.159.04)". */
export function describeAdapter(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ');
  if (!name) return info.description || 'unknown adapter';
  return info.description ? `${name} (${info.description})` : name;
}

/**
 * Opens a device on `gpu` (navigator.gpu in the browser, Dawn's GPU in Node).
 * Throws a UserError when no adapter is available.
 */
export async function openDevice(gpu: GPU | undefined, label = 'webgpu-backprop'): Promise<GpuContext> {
  if (!gpu) throw new UserError('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new UserError('WebGPU found no adapter: no GPU, or WebGPU is disabled');
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label,
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(adapter.limits.maxStorageBuffersPerShaderStage, 10),
    },
  });
  const adapterInfo = adapter.info;
  return { device, adapter, adapterInfo, adapterName: describeAdapter(adapterInfo), hasTimestamps };
}

/** Throws a UserError unless a buffer of `byteLength` fits the device's limits. */
export function checkBufferFits(device: GPUDevice, byteLength: number, what: string): void {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (byteLength > limit) {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    throw new UserError(`${what} needs ${mb(byteLength)} in one buffer, but this GPU allows ${mb(limit)}`);
  }
}
