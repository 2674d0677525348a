import { Arena } from '../kernels/arena.js';
import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../kernels/wasm.js';

interface ConvKernel extends WebAssembly.Exports {
  conv2d_forward(
    x: number,
    n: number,
    c: number,
    h: number,
    w: number,
    wt: number,
    b: number,
    o: number,
    k: number,
    y: number,
    col: number,
  ): void;
  conv2d_backward(
    x: number,
    n: number,
    c: number,
    h: number,
    w: number,
    wt: number,
    o: number,
    k: number,
    dy: number,
    dw: number,
    db: number,
    dx: number,
    col: number,
    dcol: number,
  ): void;
}

/** Shape of one convolution call: n samples of c × h × w, o output channels, k × k kernels. */
export interface ConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: number;
}

const STACK = 65536;
let kernel: ConvKernel | undefined;
let memory: WebAssembly.Memory | undefined;

/** The conv kernel of this thread (src/kernels/c/conv.c) and its memory, created on first use. */
function conv(): { kernel: ConvKernel; memory: WebAssembly.Memory } {
  if (!kernel || !memory) {
    memory = sharedMemory(1 << 22);
    kernel = instantiateKernel<ConvKernel>(kernelModule('conv'), memory, STACK);
  }
  return { kernel, memory };
}

/** Lays out `sizes` floats each after the shadow stack, grows the memory, returns the offsets. */
function layout(memory: WebAssembly.Memory, sizes: readonly number[]): number[] {
  const arena = new Arena(STACK);
  const at = sizes.map((n) => arena.alloc(4 * Math.max(1, n)));
  ensureMemory(memory, arena.end);
  return at;
}

function put(memory: WebAssembly.Memory, at: number, a: Float32Array): void {
  new Float32Array(memory.buffer, at, a.length).set(a);
}

function get(memory: WebAssembly.Memory, at: number, n: number): Float32Array {
  return new Float32Array(memory.buffer, at, n).slice();
}

/**
 * `n × o × h × w` = conv(x, weights) + bias, stride 1, "same" zero padding (k odd); `weights` is
 * `o × (c·k·k)` row-major, x `n × c × h × w`. Runs in the WASM SIMD kernel (im2col + blocked product).
 */
export function convForward(s: ConvShape, x: Float32Array, weights: Float32Array, bias: Float32Array): Float32Array {
  const { kernel: kern, memory: mem } = conv();
  const hw = s.h * s.w;
  const K = s.c * s.k * s.k;
  const [px, pw, pb, py, pcol] = layout(mem, [s.n * s.c * hw, s.o * K, s.o, s.n * s.o * hw, K * hw]);
  put(mem, px, x);
  put(mem, pw, weights);
  put(mem, pb, bias);
  kern.conv2d_forward(px, s.n, s.c, s.h, s.w, pw, pb, s.o, s.k, py, pcol);
  return get(mem, py, s.n * s.o * hw);
}

/**
 * Backward pass of {@link convForward} given dL/dy (`n × o × h × w`): adds dL/dweights and dL/dbias
 * into `gradWeights`, `gradBias`; returns dL/dx (`n × c × h × w`), or undefined when `inputGradient`
 * is false (the first layer).
 */
export function convBackward(
  s: ConvShape,
  x: Float32Array,
  weights: Float32Array,
  dy: Float32Array,
  gradWeights: Float32Array,
  gradBias: Float32Array,
  inputGradient: boolean,
): Float32Array | undefined {
  const { kernel: kern, memory: mem } = conv();
  const hw = s.h * s.w;
  const K = s.c * s.k * s.k;
  const [px, pw, pdy, pdw, pdb, pdx, pcol, pdcol] = layout(mem, [
    s.n * s.c * hw,
    s.o * K,
    s.n * s.o * hw,
    s.o * K,
    s.o,
    inputGradient ? s.n * s.c * hw : 0,
    K * hw,
    inputGradient ? K * hw : 0,
  ]);
  put(mem, px, x);
  put(mem, pw, weights);
  put(mem, pdy, dy);
  put(mem, pdw, gradWeights);
  put(mem, pdb, gradBias);
  kern.conv2d_backward(px, s.n, s.c, s.h, s.w, pw, s.o, s.k, pdy, pdw, pdb, inputGradient ? pdx : 0, pcol, pdcol);
  gradWeights.set(new Float32Array(mem.buffer, pdw, gradWeights.length));
  gradBias.set(new Float32Array(mem.buffer, pdb, gradBias.length));
  return inputGradient ? get(mem, pdx, s.n * s.c * hw) : undefined;
}
