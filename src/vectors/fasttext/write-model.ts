import { buildAliasTable } from '../../math/alias-table.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import { keepThresholds } from '../word2vec/tables.js';
import { FM, FW, LOG_TABLE_SIZE, MAX_SIGMOID, SIGMOID_TABLE_SIZE, type FastTextLayout } from './layout.js';
import type { ResolvedFastTextOptions } from './options.js';
import type { SubwordTable } from './subword-table.js';

/**
 * Fills the kernel's Model struct (`eos`: the row of `</s>`, or -1; `ntokens`: the denominator of the subsampling
 * frequencies — fastText's own (every token read, rare words and `</s>` included,
 * Dictionary::initTableDiscard) with `eos`, else the in-vocabulary tokens as word2vec), tables, subword lists and worker structs as planned by `l`. */
export function writeFastTextModel(
  buf: ArrayBuffer | SharedArrayBuffer,
  l: FastTextLayout,
  o: ResolvedFastTextOptions,
  vocab: Vocabulary,
  remap: Int32Array,
  subs: SubwordTable,
  eos: number,
  ntokens: number,
): void {
  const v = vocab.size;
  const m = new Int32Array(buf, l.model, FM.slots);
  m[FM.stride] = l.stride;
  m[FM.window] = o.window;
  m[FM.negative] = o.negative;
  m[FM.sg] = o.model === 'skipgram' ? 1 : 0;
  m[FM.nwords] = v;
  m[FM.maxSentence] = o.maxSentenceLength;
  m[FM.syn0] = l.syn0;
  m[FM.syn1] = l.syn1;
  m[FM.sigmoid] = l.sigmoid;
  m[FM.keep] = l.keep;
  m[FM.sample] = o.sample > 0 ? 1 : 0;
  m[FM.aliasProb] = l.aliasProb;
  m[FM.aliasIdx] = l.aliasIdx;
  m[FM.subOffset] = l.subOffset;
  m[FM.subs] = l.subs;
  m[FM.remap] = l.remap;
  m[FM.remapSize] = remap.length;
  m[FM.dim] = o.dim;
  m[FM.rows] = l.rows;
  m[FM.computeLoss] = o.computeLoss ? 1 : 0;
  m[FM.logTable] = l.logTable;
  m[FM.eos] = eos;

  // fastText's tables (src/loss.cc): sigmoid on [-8, 8], log on (0, 1].
  const sig = new Float32Array(buf, l.sigmoid, SIGMOID_TABLE_SIZE + 1);
  for (let i = 0; i <= SIGMOID_TABLE_SIZE; i++) sig[i] = 1 / (1 + Math.exp(-((i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID)));
  const log = new Float32Array(buf, l.logTable, LOG_TABLE_SIZE + 1);
  for (let i = 0; i <= LOG_TABLE_SIZE; i++) log[i] = Math.log((i + 1e-5) / LOG_TABLE_SIZE);
  new Uint32Array(buf, l.keep, v).set(keepThresholds(vocab.counts, ntokens, o.sample));
  const weights = new Float64Array(v);
  for (let i = 0; i < v; i++) weights[i] = Math.pow(vocab.counts[i], o.nsExponent);
  const alias = buildAliasTable(weights);
  new Uint32Array(buf, l.aliasProb, v).set(alias.prob);
  new Int32Array(buf, l.aliasIdx, v).set(alias.alias);
  new Int32Array(buf, l.subOffset, v + 1).set(subs.offsets);
  new Int32Array(buf, l.subs, subs.rows.length).set(subs.rows);
  new Int32Array(buf, l.remap, remap.length).set(remap);
  const dv = new DataView(buf);
  for (const w of l.workers) {
    dv.setFloat64(w.ptr + FW.loss, 0, true);
    dv.setFloat64(w.ptr + FW.lossTerms, 0, true);
    dv.setInt32(w.ptr + FW.sent, w.sent, true);
    dv.setInt32(w.ptr + FW.hidden, w.hidden, true);
    dv.setInt32(w.ptr + FW.grad, w.grad, true);
    dv.setInt32(w.ptr + FW.step, w.step, true);
    dv.setInt32(w.ptr + FW.bow, w.bow, true);
    dv.setInt32(w.ptr + FW.bowCap, w.bowCap, true);
  }
}
