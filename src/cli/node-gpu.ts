// WebGPU in Node through Dawn (npm package `webgpu`). Where the machine has no GPU, Dawn is pointed
// at the SwiftShader Vulkan driver that ships with Chromium, so the CLI runs everywhere.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openDevice, type GpuContext } from '../gpu/device';
import { UserError } from '../base/errors';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function hasGpuDeviceFiles(): boolean {
  const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri').some((f) => f.startsWith('renderD')) : false;
  return dri || existsSync('/dev/nvidia0') || existsSync('/dev/dxg');
}

/**
 * Dawn's instance must outlive every device made from it; a collected instance takes its devices down
 * (a crash inside the next submit). Held here for the life of the process.
 */
let instance: GPU | null = null;

/** Opens a device on the machine's GPU, or on SwiftShader when there is none. */
export async function openNodeDevice(): Promise<GpuContext> {
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const useSwiftShader = () => {
    process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  };
  const explicit = process.env.VK_DRIVER_FILES !== undefined;
  if (!explicit && !hasGpuDeviceFiles() && existsSync(SWIFTSHADER_ICD)) useSwiftShader();
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  try {
    instance = create([]);
    return await openDevice(instance);
  } catch (error) {
    if (explicit || process.env.VK_DRIVER_FILES === SWIFTSHADER_ICD || !existsSync(SWIFTSHADER_ICD)) {
      throw new UserError(`${(error as Error).message}. Without a GPU, install Chromium (it ships SwiftShader at ${SWIFTSHADER_ICD}) or set VK_DRIVER_FILES`);
    }
    useSwiftShader(); // a GPU device file exists but Dawn found no usable adapter on it
    instance = create([]);
    return await openDevice(instance);
  }
}
