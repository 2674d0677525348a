import type { Vocabulary } from '../../text/vocabulary.js';
import type { HuffmanTree } from './huffman.js';
import { EXP_TABLE_SIZE, M, W, type TrainingLayout } from './layout.js';
import type { ResolvedWord2VecOptions } from './options.js';
import { keepThresholds, noiseTable, sigmoidTables } from './tables.js';

/**
 * Fills the kernel's Model struct, the lookup tables (sigmoid, subsampling, noise distribution,
 * Huffman codes, stream-id remap) and each worker's struct pointers, as planned by `l`.
 */
export function writeModel(
  buf: ArrayBuffer | SharedArrayBuffer,
  l: TrainingLayout,
  o: ResolvedWord2VecOptions,
  vocab: Vocabulary,
  remap: Int32Array,
  huffman: HuffmanTree | undefined,
): void {
  const v = vocab.size;
  const m = new Int32Array(buf, l.model, 26);
  m[M.stride] = l.stride;
  m[M.window] = o.window;
  m[M.negative] = o.negative;
  m[M.hs] = o.hs ? 1 : 0;
  m[M.sg] = o.model === 'skipgram' ? 1 : 0;
  m[M.cbowMean] = o.cbowMean ? 1 : 0;
  m[M.sharedNeg] = o.sharedNegatives ? 1 : 0;
  m[M.vocabSize] = v;
  m[M.maxSentence] = o.maxSentenceLength;
  m[M.computeLoss] = o.computeLoss ? 1 : 0;
  m[M.syn0] = l.syn0;
  m[M.syn1neg] = l.syn1neg;
  m[M.syn1] = l.syn1;
  m[M.expTable] = l.expTable;
  m[M.logTable] = l.logTable;
  m[M.keep] = l.keep;
  m[M.sample] = o.sample > 0 ? 1 : 0;
  m[M.aliasProb] = l.aliasProb;
  m[M.aliasIdx] = l.aliasIdx;
  m[M.codeOffset] = l.codeOffset;
  m[M.codeLen] = l.codeLen;
  m[M.codes] = l.codes;
  m[M.points] = l.points;
  m[M.remap] = l.remap;
  m[M.remapSize] = remap.length;
  m[M.dim] = o.dim;

  const tables = sigmoidTables();
  new Float32Array(buf, l.expTable, EXP_TABLE_SIZE).set(tables.sigmoid);
  new Float32Array(buf, l.logTable, EXP_TABLE_SIZE).set(tables.logSigmoid);
  new Uint32Array(buf, l.keep, v).set(keepThresholds(vocab.counts, vocab.totalCount, o.sample));
  if (o.negative > 0) {
    const alias = noiseTable(vocab.counts, o.nsExponent);
    new Uint32Array(buf, l.aliasProb, v).set(alias.prob);
    new Int32Array(buf, l.aliasIdx, v).set(alias.alias);
  }
  if (huffman) {
    new Int32Array(buf, l.codeOffset, v).set(huffman.codeOffset);
    new Uint8Array(buf, l.codeLen, v).set(huffman.codeLength);
    new Uint8Array(buf, l.codes, huffman.codes.length).set(huffman.codes);
    new Int32Array(buf, l.points, huffman.points.length).set(huffman.points);
  }
  new Int32Array(buf, l.remap, remap.length).set(remap);
  for (const w of l.workers) {
    const dv = new DataView(buf);
    dv.setFloat64(w.ptr + W.loss, 0, true);
    dv.setFloat64(w.ptr + W.lossTerms, 0, true);
    dv.setInt32(w.ptr + W.sent, w.sent, true);
    dv.setInt32(w.ptr + W.neu1, w.neu1, true);
    dv.setInt32(w.ptr + W.neu1e, w.neu1e, true);
    dv.setInt32(w.ptr + W.grad, w.grad, true);
    dv.setInt32(w.ptr + W.gmat, w.gmat, true);
    dv.setInt32(w.ptr + W.ctx, w.ctx, true);
    dv.setInt32(w.ptr + W.outs, w.outs, true);
    dv.setInt32(w.ptr + W.negs, w.negs, true);
  }
}
