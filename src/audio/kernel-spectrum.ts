import { instantiateKernel, kernelModule, sharedMemory, ensureMemory } from '../kernels/wasm.js';

interface FftKernel extends WebAssembly.Exports {
  stft_power(
    signal: number,
    count: number,
    hop: number,
    frameLength: number,
    n: number,
    window: number,
    rev: number,
    twRe: number,
    twIm: number,
    pkC: number,
    pkS: number,
    zr: number,
    zi: number,
    out: number,
    power: number,
  ): void;
}

/** Frames per kernel call: bounds the kernel memory (≈ count × (hop + bins) floats). */
export const KERNEL_FRAMES = 1024;
const STACK = 65536;

let kernel: FftKernel | undefined;
let memory: WebAssembly.Memory | undefined;
/** The plan whose tables are in memory now (n, frame length, window identity). */
let planKey = '';
let planWindow: Float64Array | undefined;
let layout:
  { rev: number; twRe: number; twIm: number; pkC: number; pkS: number; window: number; zr: number; zi: number; free: number } | undefined;

/** Whether the WASM kernel takes FFTs of length n (powers of two from 8 on). */
export function kernelSupports(n: number): boolean {
  return n >= 8 && (n & (n - 1)) === 0 && n <= 1 << 16;
}

function setPlan(n: number, window: Float64Array): NonNullable<typeof layout> {
  if (!kernel) {
    memory = sharedMemory(1 << 20);
    kernel = instantiateKernel<FftKernel>(kernelModule('fft'), memory, STACK);
  }
  const key = `${n}/${window.length}`;
  if (key === planKey && planWindow === window && layout) return layout;
  const m = n >> 1;
  let top = STACK;
  const take = (bytes: number): number => {
    const at = Math.ceil(top / 64) * 64;
    top = at + bytes;
    return at;
  };
  const l = {
    rev: take(4 * m),
    twRe: take(4 * m),
    twIm: take(4 * m),
    pkC: take(4 * (m + 1)),
    pkS: take(4 * (m + 1)),
    window: take(4 * window.length),
    zr: take(4 * m),
    zi: take(4 * m),
    free: 0,
  };
  l.free = Math.ceil(top / 64) * 64;
  ensureMemory(memory as WebAssembly.Memory, l.free);
  const buf = (memory as WebAssembly.Memory).buffer;
  const rev = new Uint32Array(buf, l.rev, m);
  let bits = 0;
  while (1 << bits < m) bits++;
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const twRe = new Float32Array(buf, l.twRe, m);
  const twIm = new Float32Array(buf, l.twIm, m);
  for (let h = 1; h < m; h <<= 1)
    for (let k = 0; k < h; k++) {
      twRe[h - 1 + k] = Math.cos((Math.PI * k) / h);
      twIm[h - 1 + k] = -Math.sin((Math.PI * k) / h);
    }
  const pkC = new Float32Array(buf, l.pkC, m + 1);
  const pkS = new Float32Array(buf, l.pkS, m + 1);
  for (let k = 0; k <= m; k++) {
    pkC[k] = Math.cos((2 * Math.PI * k) / n);
    pkS[k] = Math.sin((2 * Math.PI * k) / n);
  }
  new Float32Array(buf, l.window, window.length).set(window);
  planKey = key;
  planWindow = window;
  layout = l;
  return l;
}

/**
 * Spectra of `count` frames of `samples` (frame f starts at `start + f·hop`) by the WASM SIMD kernel
 * (src/kernels/c/fft.c, float32): calls `each(f, spectrum)` with a view of the |X|^power bins.
 */
export function kernelSpectra(
  samples: Float64Array,
  start: number,
  count: number,
  hop: number,
  n: number,
  window: Float64Array,
  power: 1 | 2,
  each: (frame: number, spectrum: Float32Array) => void,
): void {
  const bins = (n >> 1) + 1;
  for (let done = 0; done < count; done += KERNEL_FRAMES) {
    const c = Math.min(KERNEL_FRAMES, count - done);
    const l = setPlan(n, window);
    const span = (c - 1) * hop + window.length;
    const signal = l.free;
    const out = Math.ceil((signal + 4 * span) / 64) * 64;
    ensureMemory(memory as WebAssembly.Memory, out + 4 * c * bins);
    const buf = (memory as WebAssembly.Memory).buffer;
    const from = start + done * hop;
    new Float32Array(buf, signal, span).set(samples.subarray(from, from + span));
    (kernel as FftKernel).stft_power(
      signal,
      c,
      hop,
      window.length,
      n,
      l.window,
      l.rev,
      l.twRe,
      l.twIm,
      l.pkC,
      l.pkS,
      l.zr,
      l.zi,
      out,
      power,
    );
    const spectra = new Float32Array(buf, out, c * bins);
    for (let f = 0; f < c; f++) each(done + f, spectra.subarray(f * bins, (f + 1) * bins));
  }
}
