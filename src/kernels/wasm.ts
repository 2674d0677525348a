import './webassembly-types.js';
import { readFileSync } from 'node:fs';
import { EmbedkitError } from '../errors.js';

/** Size of one WebAssembly page. */
export const WASM_PAGE = 65536;
/** wasm32 limit: 65536 pages = 4 GiB. */
export const MAX_PAGES = 65536;

const compiled = new Map<string, WebAssembly.Module>();

/**
 * The compiled kernel module `name` (src/kernels/<name>.wasm, built from c/<name>.c), compiled once
 * per thread. A WebAssembly.Module can be posted to worker threads.
 */
export function kernelModule(name: string): WebAssembly.Module {
  let mod = compiled.get(name);
  if (!mod) {
    const url = new URL(`./${name}.wasm`, import.meta.url);
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch (e) {
      throw new EmbedkitError(`kernel ${url.pathname} is missing (${(e as Error).message}); reinstall embedkit or run npm run build`);
    }
    try {
      mod = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new EmbedkitError(
        `kernel ${url.pathname} could not be compiled: ${(e as Error).message} (WebAssembly SIMD and threads need Node.js >= 20)`,
      );
    }
    compiled.set(name, mod);
  }
  return mod;
}

/** A shared memory for kernels, `initialBytes` rounded up to whole pages. */
export function sharedMemory(initialBytes: number): WebAssembly.Memory {
  const pages = Math.max(2, Math.ceil(initialBytes / WASM_PAGE));
  if (pages > MAX_PAGES) {
    throw new EmbedkitError(
      `needs ${(initialBytes / 2 ** 30).toFixed(2)} GiB of kernel memory; the WebAssembly limit is 4 GiB (use fewer words or dimensions)`,
    );
  }
  return new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
}

/** Grows `memory` so that it holds at least `bytes` bytes. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / WASM_PAGE);
  if (have / WASM_PAGE + pages > MAX_PAGES) {
    throw new EmbedkitError(
      `needs ${(bytes / 2 ** 30).toFixed(2)} GiB of kernel memory; the WebAssembly limit is 4 GiB`,
    );
  }
  memory.grow(pages);
}

/**
 * Instantiates a kernel on `memory`. Each instance (one per thread) must get its own shadow-stack
 * region: `stackTop` is the (16-byte aligned) end of that region.
 */
export function instantiateKernel<T extends WebAssembly.Exports>(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  stackTop: number,
): T {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const sp = instance.exports.__stack_pointer as WebAssembly.Global | undefined;
  if (sp) sp.value = stackTop;
  return instance.exports as T;
}
