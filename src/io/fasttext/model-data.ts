/**
 * The content of a Facebook fastText model file (`.bin`, or `.ftz` when quantized), as plain data.
 * Field order and meaning follow fastText 0.9.2 (src/args.cc, dictionary.cc, densematrix.cc,
 * quantmatrix.cc, productquantizer.cc); the file format is documented in docs/formats/fasttext-bin.md.
 */

/** `FASTTEXT_FILEFORMAT_MAGIC_INT32` and the only version fastText 0.9.x writes. */
export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;

/** fastText's `loss_name` enum (hs = 1 … ova = 4). */
export const LOSS_NAMES = ['hs', 'ns', 'softmax', 'ova'] as const;
export type FastTextLoss = (typeof LOSS_NAMES)[number];
/** fastText's `model_name` enum (cbow = 1, sg = 2, sup = 3). */
export const MODEL_NAMES = ['cbow', 'skipgram', 'supervised'] as const;
export type FastTextModelName = (typeof MODEL_NAMES)[number];

/** The training arguments stored in the file header. */
export interface FastTextArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: FastTextLoss;
  model: FastTextModelName;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

/** Entry types of the dictionary: words first, then labels. */
export type EntryType = 'word' | 'label';

export interface FastTextDictionary {
  /** Words (indexes 0..nwords-1), then labels (nwords..size-1), as fastText stores them. */
  words: string[];
  counts: Float64Array;
  nwords: number;
  nlabels: number;
  ntokens: number;
  /**
   * Pruned n-gram buckets of a quantized model (`bucket id → row - nwords`); undefined when the
   * model was not pruned (fastText's `pruneidx_size_ == -1`). An empty map prunes all n-grams.
   */
  pruneIndex: Map<number, number> | undefined;
}

/** A dense row-major matrix (`rows × cols` float32). */
export interface DenseMatrix {
  kind: 'dense';
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A product quantizer: `nsubq` sub-spaces of `dsub` dims (the last one `lastdsub`), 256 centroids each. */
export interface ProductQuantizer {
  dim: number;
  nsubq: number;
  dsub: number;
  lastdsub: number;
  /** `dim × 256` floats in fastText's layout (see `centroidOffset`). */
  centroids: Float32Array;
}

/** A product-quantized matrix: one byte per sub-space and row, optionally a quantized norm per row. */
export interface QuantMatrix {
  kind: 'quant';
  rows: number;
  cols: number;
  codes: Uint8Array;
  pq: ProductQuantizer;
  /** Present when norms were quantized apart (`qnorm`): one code per row and a 1-d quantizer. */
  norm?: { codes: Uint8Array; pq: ProductQuantizer };
}

export type FastTextMatrix = DenseMatrix | QuantMatrix;

export interface FastTextModelData {
  args: FastTextArgs;
  dictionary: FastTextDictionary;
  input: FastTextMatrix;
  output: FastTextMatrix;
}

export const KSUB = 256;

/** Offset of centroid `i` of sub-space `m` in `pq.centroids` (ProductQuantizer::get_centroids). */
export function centroidOffset(pq: ProductQuantizer, m: number, i: number): number {
  return m === pq.nsubq - 1 ? m * KSUB * pq.dsub + i * pq.lastdsub : (m * KSUB + i) * pq.dsub;
}

/** Adds `scale × row` of `matrix` to `out` (`addRowToVector` of both matrix kinds). */
export function addMatrixRow(matrix: FastTextMatrix, row: number, out: Float32Array, scale = 1): void {
  if (matrix.kind === 'dense') {
    const o = row * matrix.cols;
    for (let j = 0; j < matrix.cols; j++) out[j] += scale * matrix.data[o + j];
    return;
  }
  let s = scale;
  if (matrix.norm) s *= matrix.norm.pq.centroids[centroidOffset(matrix.norm.pq, 0, matrix.norm.codes[row])];
  const pq = matrix.pq;
  const code = row * pq.nsubq;
  for (let m = 0; m < pq.nsubq; m++) {
    const c = centroidOffset(pq, m, matrix.codes[code + m]);
    const d = m === pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
    const base = m * pq.dsub;
    for (let n = 0; n < d; n++) out[base + n] += s * pq.centroids[c + n];
  }
}

/** Dot product of `matrix` row `row` with `v` (both matrix kinds). */
export function dotMatrixRow(matrix: FastTextMatrix, row: number, v: Float32Array): number {
  if (matrix.kind === 'dense') {
    const o = row * matrix.cols;
    let s = 0;
    for (let j = 0; j < matrix.cols; j++) s += matrix.data[o + j] * v[j];
    return s;
  }
  let norm = 1;
  if (matrix.norm) norm = matrix.norm.pq.centroids[centroidOffset(matrix.norm.pq, 0, matrix.norm.codes[row])];
  const pq = matrix.pq;
  const code = row * pq.nsubq;
  let s = 0;
  for (let m = 0; m < pq.nsubq; m++) {
    const c = centroidOffset(pq, m, matrix.codes[code + m]);
    const d = m === pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
    const base = m * pq.dsub;
    for (let n = 0; n < d; n++) s += pq.centroids[c + n] * v[base + n];
  }
  return s * norm;
}
