import './webassembly-types.js';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { EmbedkitError } from '../errors.js';

/** Size of one WebAssembly page. */
export const WASM_PAGE = 65536;
/** wasm32 limit: 65536 pages = 4 GiB. */
export const MAX_PAGES = 65536;

const compiled = new Map<string, WebAssembly.Module>();

/** Kernels with a relaxed-SIMD build, <name>-relaxed.wasm (see build-wasm.sh). */
const RELAXED_BUILDS = new Set(['index']);
let relaxedState: boolean | undefined;

/**
 * Whether this engine runs WebAssembly relaxed SIMD, and runs it right. Node 22+ has it; Node 20
 * (V8 11.3) has it behind --experimental-wasm-relaxed-simd, which this turns on when needed (the
 * flag only adds the proposal's instructions). A probe then checks the one instruction the kernels
 * use against exact products before any kernel relies on it. EMBEDKIT_RELAXED_SIMD=0 turns the
 * relaxed kernels off.
 */
export function relaxedSimd(): boolean {
  relaxedState ??= probeRelaxedSimd();
  return relaxedState;
}

/**
 * Chooses the kernel builds for modules compiled from now on: relaxed SIMD on (if the engine has
 * it), off, or detected (undefined). Both builds return identical results; tests run both.
 */
export function useRelaxedSimd(on: boolean | undefined): void {
  relaxedState = on === undefined ? undefined : on && probeRelaxedSimd();
  compiled.clear();
}

/** The build `kernelModule(name)` uses: 'relaxed-simd' or 'simd128'. */
export function kernelBuild(name: string): 'relaxed-simd' | 'simd128' {
  return RELAXED_BUILDS.has(name) && relaxedSimd() ? 'relaxed-simd' : 'simd128';
}

function probeRelaxedSimd(): boolean {
  if (process.env.EMBEDKIT_RELAXED_SIMD === '0') return false;
  let bytes: Buffer;
  try {
    bytes = readFileSync(new URL('./relaxed-probe.wasm', import.meta.url));
  } catch {
    return false;
  }
  if (!WebAssembly.validate(bytes)) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      return false;
    }
    if (!WebAssembly.validate(bytes)) return false;
  }
  try {
    const probe = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    const dot = probe.dot as (a: number, b: number, out: number) => void;
    const mem = (probe.memory as WebAssembly.Memory).buffer;
    const a = new Int8Array(mem, 0, 16);
    const b = new Int8Array(mem, 16, 16);
    const out = new Int16Array(mem, 32, 8);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
    for (let round = 0; round < 64; round++) {
      for (let i = 0; i < 16; i++) {
        // the extremes first (-128 · 127 twice is the largest pair sum), then random bytes; the
        // second operand stays in [0, 127] as in the kernels
        a[i] = round === 0 ? -128 : round === 1 ? 127 : (next() & 255) - 128;
        b[i] = round < 2 ? 127 : next() & 127;
      }
      dot(0, 16, 32);
      for (let l = 0; l < 8; l++) if (out[l] !== a[2 * l] * b[2 * l] + a[2 * l + 1] * b[2 * l + 1]) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The compiled kernel module `name` (src/kernels/<name>.wasm, built from c/<name>.c), compiled once
 * per thread; its relaxed-SIMD build where there is one and the engine supports it. A
 * WebAssembly.Module can be posted to worker threads.
 */
export function kernelModule(name: string): WebAssembly.Module {
  let mod = compiled.get(name);
  if (!mod) {
    if (kernelBuild(name) === 'relaxed-simd') {
      try {
        mod = compileKernel(`${name}-relaxed`);
      } catch {
        relaxedState = false; // an engine that validates the probe but not the kernel: SIMD128
      }
    }
    mod ??= compileKernel(name);
    compiled.set(name, mod);
  }
  return mod;
}

function compileKernel(file: string): WebAssembly.Module {
  const url = new URL(`./${file}.wasm`, import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (e) {
    throw new EmbedkitError(`kernel ${url.pathname} is missing (${(e as Error).message}); reinstall embedkit or run npm run build`);
  }
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    throw new EmbedkitError(
      `kernel ${url.pathname} could not be compiled: ${(e as Error).message} (WebAssembly SIMD and threads need Node.js >= 20)`,
    );
  }
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
    throw new EmbedkitError(`needs ${(bytes / 2 ** 30).toFixed(2)} GiB of kernel memory; the WebAssembly limit is 4 GiB`);
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
