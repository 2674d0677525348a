/** Bytes of one co-occurrence record while counting (u64 key = row << 32 | column, f64 count). */
export const COUNT_REC_BYTES = 16;
/** Bytes of one training record (i32 word, i32 context, f32 count), as the kernel's TrainRec. */
export const TRAIN_REC_BYTES = 12;
/** Shadow stack of each kernel instance on a worker thread. */
export const STACK_BYTES = 1 << 16;

/** Where the counting arrays live in kernel memory (see src/kernels/c/glove.c). */
export interface CooccurLayout {
  /** Two i64: record count, tokens counted. */
  state: number;
  /** xorshift64* state of the shuffle. */
  rng: number;
  history: number;
  /** vocabSize + 1 i64 row offsets into the dense table. */
  lookup: number;
  /** Buffer for jobs read from a spilled corpus file. */
  input: number;
  inputBytes: number;
  dense: number;
  denseCells: number;
  maxProduct: number;
  /** Record buffer; the training records are later written from here on. */
  recs: number;
  recCapacity: number;
  /** Row offsets of the dense table (copied into memory at `lookup`). */
  rowOffsets: Float64Array;
}

const align = (n: number, a = 16): number => Math.ceil(n / a) * a;

/** Cells of the dense table for pairs with rank product <= p: Σ_i min(⌊p / (i+1)⌋, V). */
export function denseCells(p: number, vocabSize: number): number {
  let cells = 0;
  for (let i = 0; i < vocabSize; i++) {
    const len = Math.min(Math.floor(p / (i + 1)), vocabSize);
    if (len === 0) break;
    cells += len;
  }
  return cells;
}

/**
 * Splits the counting budget as the reference cooccur.c does in spirit: most of it (3/4) for a dense
 * table of the frequent pairs — those whose frequency ranks multiply to at most `maxProduct`, the
 * largest product whose table fits — and the rest for the buffer of other pairs. The buffer is
 * raised to what one job can append (2 · window · job bytes records).
 */
export function planCooccur(
  start: number,
  budget: number,
  vocabSize: number,
  window: number,
  maxJobBytes: number,
  inputBytes: number,
): CooccurLayout {
  const maxCells = Math.floor((budget * 0.75) / 8);
  let lo = 0;
  let hi = vocabSize * vocabSize;
  if (denseCells(hi, vocabSize) <= maxCells) lo = hi;
  else {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (denseCells(mid, vocabSize) <= maxCells) lo = mid;
      else hi = mid;
    }
  }
  const maxProduct = lo;
  const rowOffsets = new Float64Array(vocabSize + 1);
  for (let i = 0; i < vocabSize; i++) rowOffsets[i + 1] = rowOffsets[i] + Math.min(Math.floor(maxProduct / (i + 1)), vocabSize);
  const cells = rowOffsets[vocabSize];
  const perJob = 2 * window * maxJobBytes;
  const recCapacity = Math.max(Math.floor(budget / 4 / COUNT_REC_BYTES), 2 * perJob);
  let p = align(start);
  const state = p;
  p += 16;
  const rng = p;
  p += 16;
  const history = p;
  p = align(p + window * 4);
  const lookup = p;
  p = align(p + (vocabSize + 1) * 8);
  const input = p;
  p = align(p + inputBytes);
  const dense = p;
  p = align(p + cells * 8);
  return { state, rng, history, lookup, input, inputBytes, dense, denseCells: cells, maxProduct, recs: p, recCapacity, rowOffsets };
}
