import { UsageError } from '../../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../core/atomic-write.js';
import {
  FASTTEXT_MAGIC,
  FASTTEXT_VERSION,
  LOSS_NAMES,
  MODEL_NAMES,
  type DenseMatrix,
  type FastTextMatrix,
  type FastTextModelData,
  type ProductQuantizer,
} from './model-data.js';

/** Writes a model as a fastText 0.9.x `.bin` (or `.ftz` when its matrices are quantized), atomically. */
export async function writeFastTextModel(file: string, model: FastTextModelData): Promise<void> {
  await writeFileAtomic(file, encodeFastTextModel(model));
}

/** Synchronous {@link writeFastTextModel}. */
export function writeFastTextModelSync(file: string, model: FastTextModelData): void {
  writeFileAtomicSync(file, encodeFastTextModel(model));
}

/** Growing little-endian byte buffer. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private readonly chunks: Uint8Array[] = [];

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  int32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  int64(v: number): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, BigInt(v), true);
    this.length += 8;
  }
  float64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  uint8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Large float arrays are not copied: they become chunks of their own. */
  floats(f: Float32Array): void {
    const b = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    if (b.length < 1 << 16) return this.bytes(b);
    this.flush();
    this.chunks.push(b);
  }
  private flush(): void {
    if (this.length === 0) return;
    this.chunks.push(this.buf.slice(0, this.length));
    this.length = 0;
  }
  result(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }
}

/** The bytes of a model file in order, as chunks (see {@link writeFastTextModel}); matrices are not copied. */
export function encodeFastTextModel(model: FastTextModelData): Uint8Array[] {
  const { args, dictionary: d, input, output } = model;
  if (d.words.length !== d.nwords + d.nlabels || d.counts.length !== d.words.length)
    throw new UsageError(
      `fastText model: ${d.words.length} entries and ${d.counts.length} counts for ${d.nwords} words + ${d.nlabels} labels`,
    );
  if (input.kind === 'dense' && d.pruneIndex) throw new UsageError('fastText model: a pruned dictionary needs a quantized input matrix');
  if (output.kind === 'quant' && input.kind !== 'quant') throw new UsageError('fastText model: a quantized output needs a quantized input');
  const s = new ByteSink();
  s.int32(FASTTEXT_MAGIC);
  s.int32(FASTTEXT_VERSION);
  for (const v of [args.dim, args.ws, args.epoch, args.minCount, args.neg, args.wordNgrams]) s.int32(v);
  s.int32(LOSS_NAMES.indexOf(args.loss) + 1);
  s.int32(MODEL_NAMES.indexOf(args.model) + 1);
  for (const v of [args.bucket, args.minn, args.maxn, args.lrUpdateRate]) s.int32(v);
  s.float64(args.t);
  s.int32(d.words.length);
  s.int32(d.nwords);
  s.int32(d.nlabels);
  s.int64(d.ntokens);
  s.int64(d.pruneIndex ? d.pruneIndex.size : -1);
  d.words.forEach((w, i) => {
    const b = Buffer.from(w, 'utf8');
    if (b.includes(0)) throw new UsageError(`fastText model: entry ${i} contains a NUL byte`);
    s.bytes(b);
    s.uint8(0);
    s.int64(d.counts[i]);
    s.uint8(i < d.nwords ? 0 : 1);
  });
  if (d.pruneIndex) {
    for (const [from, to] of d.pruneIndex) {
      s.int32(from);
      s.int32(to);
    }
  }
  s.uint8(input.kind === 'quant' ? 1 : 0);
  writeMatrix(s, input);
  s.uint8(output.kind === 'quant' ? 1 : 0);
  writeMatrix(s, output);
  return s.result();
}

function writeDense(s: ByteSink, m: DenseMatrix): void {
  if (m.data.length !== m.rows * m.cols)
    throw new UsageError(`fastText model: matrix data has ${m.data.length} floats for ${m.rows} × ${m.cols}`);
  s.int64(m.rows);
  s.int64(m.cols);
  s.floats(m.data);
}

function writeQuantizer(s: ByteSink, pq: ProductQuantizer): void {
  s.int32(pq.dim);
  s.int32(pq.nsubq);
  s.int32(pq.dsub);
  s.int32(pq.lastdsub);
  s.floats(pq.centroids);
}

function writeMatrix(s: ByteSink, m: FastTextMatrix): void {
  if (m.kind === 'dense') return writeDense(s, m);
  s.uint8(m.norm ? 1 : 0);
  s.int64(m.rows);
  s.int64(m.cols);
  s.int32(m.codes.length);
  s.bytes(m.codes);
  writeQuantizer(s, m.pq);
  if (m.norm) {
    s.bytes(m.norm.codes);
    writeQuantizer(s, m.norm.pq);
  }
}
