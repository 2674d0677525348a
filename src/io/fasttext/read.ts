import { readModelBytes, readModelBytesSync } from './aligned-read.js';
import { ByteCursor } from './byte-cursor.js';
import {
  FASTTEXT_MAGIC,
  FASTTEXT_VERSION,
  KSUB,
  LOSS_NAMES,
  MODEL_NAMES,
  type DenseMatrix,
  type FastTextArgs,
  type FastTextDictionary,
  type FastTextMatrix,
  type FastTextModelData,
  type ProductQuantizer,
  type QuantMatrix,
} from './model-data.js';

/** Reads a Facebook fastText `.bin` or quantized `.ftz` model (fastText 0.9.x, file version 12). */
export async function readFastTextModel(file: string): Promise<FastTextModelData> {
  return parseFastTextModel(file, await readModelBytes(file));
}

/** Synchronous {@link readFastTextModel}. */
export function readFastTextModelSync(file: string): FastTextModelData {
  return parseFastTextModel(file, readModelBytesSync(file));
}

/** True when `bytes` start with fastText's magic number. */
export function isFastTextModel(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true) === FASTTEXT_MAGIC;
}

/** Parses a model from its bytes; `file` names it in errors. */
export function parseFastTextModel(file: string, bytes: Uint8Array): FastTextModelData {
  const c = new ByteCursor(file, bytes);
  if (bytes.length < 8) c.fail(`not a fastText model: ${bytes.length} bytes is shorter than the header`);
  const magic = c.int32('magic');
  if (magic !== FASTTEXT_MAGIC) c.fail(`not a fastText model: wrong magic number ${magic} (expected ${FASTTEXT_MAGIC})`);
  const version = c.int32('version');
  if (version !== FASTTEXT_VERSION)
    c.fail(`unsupported fastText file version ${version} (only ${FASTTEXT_VERSION}, fastText 0.9.x, is read)`);
  const args = readArgs(c);
  const dictionary = readDictionary(c, args);
  const quantInput = c.uint8('quant_input flag') !== 0;
  const input = quantInput ? readQuantMatrix(c, 'input matrix') : readDenseMatrix(c, 'input matrix');
  if (!quantInput && dictionary.pruneIndex) c.fail('corrupt: a pruned dictionary with a dense input matrix');
  const qout = c.uint8('qout flag') !== 0;
  const output = quantInput && qout ? readQuantMatrix(c, 'output matrix') : readDenseMatrix(c, 'output matrix');
  if (c.remaining !== 0) c.fail(`corrupt: ${c.remaining} unexpected bytes after the output matrix`);
  checkShapes(c, args, dictionary, input, output);
  return { args, dictionary, input, output };
}

function readArgs(c: ByteCursor): FastTextArgs {
  const int = (name: string, min: number, max = 0x7fffffff) => {
    const v = c.int32(`args.${name}`);
    if (v < min || v > max) c.fail(`corrupt header: args.${name} = ${v} is out of range`);
    return v;
  };
  const dim = int('dim', 1, 1 << 16);
  const ws = int('ws', 0);
  const epoch = int('epoch', 0);
  const minCount = int('minCount', 0);
  const neg = int('neg', 0);
  const wordNgrams = int('wordNgrams', 0);
  const loss = LOSS_NAMES[int('loss', 1, LOSS_NAMES.length) - 1];
  const model = MODEL_NAMES[int('model', 1, MODEL_NAMES.length) - 1];
  const bucket = int('bucket', 0);
  const minn = int('minn', 0, 1024);
  const maxn = int('maxn', 0, 1024);
  const lrUpdateRate = int('lrUpdateRate', 0);
  const t = c.float64('args.t');
  return { dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t };
}

function readDictionary(c: ByteCursor, args: FastTextArgs): FastTextDictionary {
  const size = c.int32('dictionary size');
  const nwords = c.int32('dictionary nwords');
  const nlabels = c.int32('dictionary nlabels');
  const ntokens = c.int64('dictionary ntokens');
  const pruneSize = c.int64('dictionary pruneidx_size');
  if (size < 0 || nwords < 0 || nlabels < 0 || nwords + nlabels !== size)
    c.fail(`corrupt dictionary: size ${size} != nwords ${nwords} + nlabels ${nlabels}`);
  // Each entry takes at least 10 bytes (NUL, int64 count, int8 type).
  if (size * 10 > c.remaining) c.fail(`truncated: the dictionary claims ${size} entries, more than the file holds`);
  const words = new Array<string>(size);
  const counts = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    words[i] = c.cString(`dictionary entry ${i}`);
    counts[i] = c.int64(`count of dictionary entry ${i}`);
    const type = c.int8(`type of dictionary entry ${i}`);
    if (type !== (i < nwords ? 0 : 1)) c.fail(`corrupt dictionary: entry ${i} has type ${type}, words must precede labels`);
  }
  let pruneIndex: Map<number, number> | undefined;
  if (pruneSize >= 0) {
    c.need(pruneSize * 8, 'pruned n-gram index');
    pruneIndex = new Map();
    for (let i = 0; i < pruneSize; i++) {
      const from = c.int32('pruned n-gram index');
      const to = c.int32('pruned n-gram index');
      if (from < 0 || from >= Math.max(1, args.bucket) || to < 0) c.fail(`corrupt pruned n-gram index entry ${i} (${from} → ${to})`);
      pruneIndex.set(from, to);
    }
  } else if (pruneSize !== -1) c.fail(`corrupt dictionary: pruneidx_size ${pruneSize}`);
  return { words, counts, nwords, nlabels, ntokens, pruneIndex };
}

function readDenseMatrix(c: ByteCursor, what: string): DenseMatrix {
  const rows = c.int64(`${what} rows`);
  const cols = c.int64(`${what} columns`);
  if (rows < 0 || cols < 0) c.fail(`corrupt ${what}: shape ${rows} × ${cols}`);
  if (rows * cols * 4 > c.remaining)
    c.fail(`truncated: ${what} of ${rows} × ${cols} floats needs ${rows * cols * 4} bytes, ${c.remaining} left`);
  return { kind: 'dense', rows, cols, data: c.float32Array(rows * cols, what) };
}

function readQuantizer(c: ByteCursor, what: string): ProductQuantizer {
  const dim = c.int32(`${what} quantizer dim`);
  const nsubq = c.int32(`${what} quantizer nsubq`);
  const dsub = c.int32(`${what} quantizer dsub`);
  const lastdsub = c.int32(`${what} quantizer lastdsub`);
  if (dim <= 0 || nsubq <= 0 || dsub <= 0 || lastdsub <= 0 || (nsubq - 1) * dsub + lastdsub !== dim)
    c.fail(`corrupt ${what} quantizer: dim ${dim}, nsubq ${nsubq}, dsub ${dsub}, lastdsub ${lastdsub}`);
  const centroids = c.float32Array(dim * KSUB, `${what} quantizer centroids`);
  return { dim, nsubq, dsub, lastdsub, centroids };
}

function readQuantMatrix(c: ByteCursor, what: string): QuantMatrix {
  const qnorm = c.uint8(`${what} qnorm flag`) !== 0;
  const rows = c.int64(`${what} rows`);
  const cols = c.int64(`${what} columns`);
  const codesize = c.int32(`${what} code size`);
  if (rows < 0 || cols <= 0 || codesize < 0) c.fail(`corrupt ${what}: shape ${rows} × ${cols}, code size ${codesize}`);
  const codes = c.byteArray(codesize, `${what} codes`);
  const pq = readQuantizer(c, what);
  if (pq.dim !== cols || codesize !== rows * pq.nsubq)
    c.fail(`corrupt ${what}: ${codesize} codes for ${rows} rows of ${pq.nsubq} sub-quantizers, quantizer dim ${pq.dim} vs ${cols} columns`);
  const m: QuantMatrix = { kind: 'quant', rows, cols, codes, pq };
  if (qnorm) {
    const normCodes = c.byteArray(rows, `${what} norm codes`);
    const npq = readQuantizer(c, `${what} norm`);
    if (npq.dim !== 1 || npq.nsubq !== 1) c.fail(`corrupt ${what}: the norm quantizer must be one-dimensional`);
    m.norm = { codes: normCodes, pq: npq };
  }
  return m;
}

function checkShapes(c: ByteCursor, args: FastTextArgs, d: FastTextDictionary, input: FastTextMatrix, output: FastTextMatrix): void {
  if (input.cols !== args.dim || output.cols !== args.dim)
    c.fail(`corrupt: matrices have ${input.cols} and ${output.cols} columns, args.dim is ${args.dim}`);
  let ngramRows = args.bucket;
  if (d.pruneIndex) {
    ngramRows = 0;
    for (const row of d.pruneIndex.values()) ngramRows = Math.max(ngramRows, row + 1);
  }
  if (input.rows < d.nwords + ngramRows)
    c.fail(`corrupt: input matrix has ${input.rows} rows, the dictionary needs ${d.nwords + ngramRows}`);
  const outRows = args.model === 'supervised' ? d.nlabels : d.nwords;
  if (output.rows !== outRows) c.fail(`corrupt: output matrix has ${output.rows} rows, expected ${outRows}`);
}
