import { UsageError } from '../../../errors.js';
import { KSUB, type DenseMatrix, type ProductQuantizer, type QuantMatrix } from '../../../io/fasttext/model-data.js';
import { Arena } from '../../../kernels/arena.js';
import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../../../kernels/wasm.js';
import { yieldToEventLoop } from '../../../kernels/yield.js';
import { mulberry32, seedState } from '../../../math/random.js';

interface PqKernel extends WebAssembly.Exports {
  pq_assign(x: number, n: number, stride: number, off: number, d: number, c: number, codes: number, cstride: number, ct: number): void;
  pq_kmeans(x: number, n: number, d: number, c: number, codes: number, nelts: number, ct: number, rng: number, niter: number): void;
}

/** fastText's ProductQuantizer constants: 256 centroids, at most 256 sampled points per centroid, 25 rounds. */
const MAX_POINTS = 256 * KSUB;
const NITER = 25;
const STACK_BYTES = 1 << 16;

/** Sub-spaces of `dsub` dims over `dim` (the last one `dim % dsub` when that is not 0). */
function shapeOf(dim: number, dsub: number): Omit<ProductQuantizer, 'centroids'> {
  const lastdsub = dim % dsub || dsub;
  return { dim, nsubq: Math.ceil(dim / dsub), dsub, lastdsub };
}

/**
 * Product-quantizes `rows × dim` floats (fastText's ProductQuantizer::train + compute_codes): for
 * each sub-space, k-means (256 centroids, 25 rounds) on at most 65,536 rows sampled at random, then
 * every row's nearest centroid. Seeded: the same input and seed give the same codes.
 */
async function productQuantize(
  data: Float32Array,
  rows: number,
  dim: number,
  dsub: number,
  seed: number,
  signal?: AbortSignal,
): Promise<{ codes: Uint8Array; pq: ProductQuantizer }> {
  if (rows < KSUB) throw new UsageError(`matrix too small for quantization: ${rows} rows, needs at least ${KSUB}`);
  const shape = shapeOf(dim, dsub);
  const np = Math.min(rows, MAX_POINTS);
  const a = new Arena(STACK_BYTES);
  const x = a.alloc(rows * dim * 4);
  const slice = a.alloc(np * dsub * 4);
  const sampleCodes = a.alloc(np);
  const nelts = a.alloc(KSUB * 4);
  const ct = a.alloc(KSUB * dsub * 4);
  const centroids = a.alloc(dim * KSUB * 4);
  const codes = a.alloc(rows * shape.nsubq);
  const rng = a.alloc(8);
  const memory = sharedMemory(STACK_BYTES);
  ensureMemory(memory, a.end);
  const buf = memory.buffer;
  new Float32Array(buf, x, rows * dim).set(data.subarray(0, rows * dim));
  new DataView(buf).setBigUint64(rng, seedState(seed, 0x70c0de), true);
  const k = instantiateKernel<PqKernel>(kernelModule('supervised-pq'), memory, STACK_BYTES);
  const random = mulberry32(seed);
  const perm = new Int32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  const xs = new Float32Array(buf, x, rows * dim);
  const sl = new Float32Array(buf, slice, np * dsub);
  for (let m = 0; m < shape.nsubq; m++) {
    const d = m === shape.nsubq - 1 ? shape.lastdsub : dsub;
    // a random sample of np rows in random order (its first 256 are the initial centroids)
    for (let i = 0; i < np; i++) {
      const j = i + Math.floor(random() * (rows - i));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (let i = 0; i < np; i++) {
      const src = perm[i] * dim + m * dsub;
      for (let j = 0; j < d; j++) sl[i * d + j] = xs[src + j];
    }
    const c = centroids + m * KSUB * dsub * 4;
    k.pq_kmeans(slice, np, d, c, sampleCodes, nelts, ct, rng, NITER);
    k.pq_assign(x, rows, dim, m * dsub, d, c, codes + m, shape.nsubq, ct);
    await yieldToEventLoop(signal);
  }
  return {
    codes: new Uint8Array(buf, codes, rows * shape.nsubq).slice(),
    pq: { ...shape, centroids: new Float32Array(buf, centroids, dim * KSUB).slice() },
  };
}

/**
 * A dense matrix as fastText's QuantMatrix: product-quantized rows (sub-spaces of `dsub` dims), and
 * with `qnorm` the rows divided by their L2 norms first, the norms quantized apart by a
 * one-dimensional quantizer (fastText's QuantMatrix::quantize).
 */
export async function quantizeMatrix(
  m: DenseMatrix,
  dsub: number,
  qnorm: boolean,
  seed: number,
  signal?: AbortSignal,
): Promise<QuantMatrix> {
  if (!Number.isInteger(dsub) || dsub < 1) throw new UsageError(`dsub must be an integer >= 1, got ${dsub}`);
  let data = m.data;
  let norm: QuantMatrix['norm'];
  if (qnorm) {
    data = data.slice(0, m.rows * m.cols);
    const norms = new Float32Array(m.rows);
    for (let r = 0; r < m.rows; r++) {
      let s = 0;
      for (let j = 0; j < m.cols; j++) s += data[r * m.cols + j] * data[r * m.cols + j];
      const n = Math.fround(Math.sqrt(s));
      if (Number.isNaN(n)) throw new UsageError(`row ${r} of the matrix is NaN: cannot quantize`);
      norms[r] = n;
      if (n !== 0) for (let j = 0; j < m.cols; j++) data[r * m.cols + j] /= n;
    }
    const q = await productQuantize(norms, m.rows, 1, 1, seed + 1, signal);
    norm = { codes: q.codes, pq: q.pq };
  }
  const q = await productQuantize(data, m.rows, m.cols, Math.min(dsub, m.cols), seed, signal);
  return { kind: 'quant', rows: m.rows, cols: m.cols, codes: q.codes, pq: q.pq, ...(norm ? { norm } : {}) };
}
