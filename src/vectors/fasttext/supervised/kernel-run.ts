import { EmbedkitError } from '../../../errors.js';
import type { DenseMatrix, FastTextModelData } from '../../../io/fasttext/model-data.js';
import { buildAliasTable } from '../../../math/alias-table.js';
import { seedState } from '../../../math/random.js';
import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../../../kernels/wasm.js';
import { FastTextModel } from '../fasttext-model.js';
import { hashWord } from '../subwords.js';
import { buildLabelTree, labelPath } from './hs-tree.js';
import {
  INIT_BLOCK_ROWS,
  LOG_TABLE_SIZE,
  LOSS_CODES,
  MAIN_STACK_BYTES,
  MAX_SIGMOID,
  planSupervisedLayout,
  SE,
  SIGMOID_TABLE_SIZE,
  SM,
  SW,
  type SupervisedLayout,
} from './kernel-layout.js';
import type { LineScan } from './scan-lines.js';

/** Exports of src/kernels/c/supervised.c. */
export interface SupervisedKernel extends WebAssembly.Exports {
  sup_train(model: number, worker: number, first: number, count: number, lr0: number, lr1: number): void;
  sup_init_block(model: number, seedLo: number, seedHi: number, block: number): void;
  sup_encode(args: number): void;
}

/** The xorshift stream of the input initialisation (workers use streams 1..n). */
const INIT_STREAM = 0x5eed;

/** Kernel memory of one training run, its examples laid out and its weights ready to train. */
export interface KernelRun {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: SupervisedLayout;
  /** The instance on the calling thread. */
  kernel: SupervisedKernel;
  examples: number;
  /** Input rows (words, then n-gram buckets). */
  rows: number;
  /** Blocks of INIT_BLOCK_ROWS input rows still to initialise (0 when the weights were given). */
  initBlocks: number;
  seedLo: number;
  seedHi: number;
}

/**
 * Lays out the kernel memory of a run on `data`'s dictionary: the weights (random input rows, zero
 * output rows, or `data`'s own dense matrices when `keepWeights`), fastText's sigmoid and log tables,
 * the label tree (hs) or noise table (ns), the examples of `scan` (their input rows and labels,
 * computed once: they do not change between epochs), and `workers` threads' scratch.
 */
export function prepareKernelRun(
  data: FastTextModelData,
  scan: LineScan,
  o: { label: string; seed: number; workers: number; keepWeights: boolean },
  source: string,
): KernelRun {
  const a = data.args;
  const d = data.dictionary;
  const model = new FastTextModel(data);
  const tables = tokenTables(model, scan.tokens, o.label);
  const bounds = exampleBounds(scan, tables, a.wordNgrams > 1 && a.bucket > 0 ? a.wordNgrams - 1 : 0);
  const nl = d.nlabels;
  const tree = a.loss === 'hs' ? buildLabelTree(d.counts.subarray(d.nwords)) : undefined;
  const paths = tree ? Array.from({ length: nl }, (_, i) => labelPath(tree, nl, i)) : [];
  const hsNodes = paths.reduce((s, p) => s + p.nodes.length, 0);
  const rows = data.input.rows;
  const layout = planSupervisedLayout({
    dim: a.dim,
    rows,
    nlabels: nl,
    examples: scan.lines,
    exRows: bounds.rows,
    labels: bounds.labels,
    hsNodes,
    workers: o.workers,
  });
  const prune = d.pruneIndex && a.wordNgrams > 1 && a.bucket > 0 ? pruneTable(d.pruneIndex, a.bucket) : undefined;
  const scratch = encodeScratch(layout.encode, scan, tables, prune);
  const memory = sharedMemory(MAIN_STACK_BYTES);
  ensureMemory(memory, scratch.end);
  const buf = memory.buffer;
  const l = layout;

  const m = new Int32Array(buf, l.model, SM.slots);
  m[SM.stride] = l.stride;
  m[SM.dim] = a.dim;
  m[SM.rows] = rows;
  m[SM.nlabels] = nl;
  m[SM.loss] = LOSS_CODES[a.loss];
  m[SM.neg] = a.neg;
  m[SM.input] = l.input;
  m[SM.output] = l.output;
  m[SM.sigmoid] = l.sigmoid;
  m[SM.logTable] = l.logTable;
  m[SM.exOffsets] = l.exOffsets;
  m[SM.exRows] = l.exRows;
  m[SM.labOffsets] = l.labOffsets;
  m[SM.labels] = l.labels;
  m[SM.hsOffsets] = l.hsOffsets;
  m[SM.hsNodes] = l.hsNodes;
  m[SM.hsCodes] = l.hsCodes;
  m[SM.aliasProb] = l.aliasProb;
  m[SM.aliasIdx] = l.aliasIdx;

  // fastText's tables (src/loss.cc): sigmoid on [-8, 8], log on (0, 1].
  const sig = new Float32Array(buf, l.sigmoid, SIGMOID_TABLE_SIZE + 1);
  for (let i = 0; i <= SIGMOID_TABLE_SIZE; i++) sig[i] = 1 / (1 + Math.exp(-((i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID)));
  const log = new Float32Array(buf, l.logTable, LOG_TABLE_SIZE + 1);
  for (let i = 0; i <= LOG_TABLE_SIZE; i++) log[i] = Math.log((i + 1e-5) / LOG_TABLE_SIZE);
  if (tree) {
    const offsets = new Int32Array(buf, l.hsOffsets, nl + 1);
    const nodes = new Int32Array(buf, l.hsNodes, Math.max(1, hsNodes));
    const codes = new Uint8Array(buf, l.hsCodes, Math.max(1, hsNodes));
    let k = 0;
    paths.forEach((p, i) => {
      offsets[i] = k;
      p.nodes.forEach((node, j) => {
        nodes[k] = node;
        codes[k++] = p.codes[j] ? 1 : 0;
      });
    });
    offsets[nl] = k;
  }
  if (a.loss === 'ns') {
    const alias = buildAliasTable(Float64Array.from(d.counts.subarray(d.nwords), (c) => Math.sqrt(c)));
    new Uint32Array(buf, l.aliasProb, nl).set(alias.prob);
    new Int32Array(buf, l.aliasIdx, nl).set(alias.alias);
  }
  const dv = new DataView(buf);
  l.workers.forEach((w, i) => {
    dv.setBigUint64(w.ptr + SW.rng, seedState(o.seed, i + 1), true);
    dv.setInt32(w.ptr + SW.hidden, w.hidden, true);
    dv.setInt32(w.ptr + SW.grad, w.grad, true);
    dv.setInt32(w.ptr + SW.scores, w.scores, true);
  });

  const module = kernelModule('supervised');
  const kernel = instantiateKernel<SupervisedKernel>(module, memory, MAIN_STACK_BYTES);
  const examples = encodeExamples(kernel, buf, l, scan, tables, scratch, a, d.nwords, prune);
  if (examples === 0) throw new EmbedkitError(`${source}: no example has both a known label and a word`);

  if (o.keepWeights) {
    copyRowsIn(buf, l.input, l.stride, denseOf(data.input, 'input'));
    copyRowsIn(buf, l.output, l.stride, denseOf(data.output, 'output'));
  }
  const seed = seedState(o.seed, INIT_STREAM);
  return {
    module,
    memory,
    layout: l,
    kernel,
    examples,
    rows,
    initBlocks: o.keepWeights ? 0 : Math.ceil(rows / INIT_BLOCK_ROWS),
    seedLo: Number(seed & 0xffffffffn),
    seedHi: Number(seed >> 32n),
  };
}

/** Per distinct token: its label index (-1 a word, -2 a label outside the dictionary), hash, input rows. */
interface TokenTables {
  label: Int32Array;
  hash: Uint32Array;
  rowOffsets: Int32Array;
  rows: Int32Array;
}

/** Dictionary::getLine's view of each token (addSubwords: the word row and/or its n-gram rows). */
function tokenTables(model: FastTextModel, tokens: readonly string[], labelPrefix: string): TokenTables {
  const nwords = model.data.dictionary.nwords;
  const n = tokens.length;
  const label = new Int32Array(n);
  const hash = new Uint32Array(n);
  const rowOffsets = new Int32Array(n + 1);
  const rows: number[] = [];
  for (let t = 0; t < n; t++) {
    const token = tokens[t];
    const id = model.entryId(token);
    const isLabel = id >= 0 ? id >= nwords : token.startsWith(labelPrefix);
    rowOffsets[t] = rows.length;
    if (isLabel) {
      label[t] = id >= 0 ? id - nwords : -2;
      continue;
    }
    label[t] = -1;
    hash[t] = hashWord(token);
    for (const r of model.subwordRows(token)) rows.push(r);
  }
  rowOffsets[n] = rows.length;
  return { label, hash, rowOffsets, rows: Int32Array.from(rows) };
}

/** Upper bounds of the input rows and labels of all examples. */
function exampleBounds(scan: LineScan, t: TokenTables, ngramsPerWord: number): { rows: number; labels: number } {
  const s = scan.stream;
  let rows = 0;
  let labels = 0;
  for (let i = 0; i < s.length; i++) {
    const id = s[i];
    if (id < 0) continue;
    if (t.label[id] !== -1) labels++;
    else rows += t.rowOffsets[id + 1] - t.rowOffsets[id] + ngramsPerWord;
  }
  return { rows, labels };
}

function pruneTable(pruneIndex: Map<number, number>, bucket: number): Int32Array {
  const table = new Int32Array(bucket).fill(-1);
  for (const [from, to] of pruneIndex) if (from < bucket) table[from] = to;
  return table;
}

interface EncodeScratch {
  args: number;
  stream: number;
  tokLabel: number;
  tokHash: number;
  tokRowOffsets: number;
  tokRows: number;
  prune: number;
  hashes: number;
  end: number;
}

function encodeScratch(start: number, scan: LineScan, t: TokenTables, prune: Int32Array | undefined): EncodeScratch {
  let top = start;
  const alloc = (bytes: number) => {
    const at = Math.ceil(top / 64) * 64;
    top = at + Math.max(4, bytes);
    return at;
  };
  return {
    args: alloc(SE.slots * 4),
    stream: alloc(scan.length * 4),
    tokLabel: alloc(t.label.length * 4),
    tokHash: alloc(t.hash.length * 4),
    tokRowOffsets: alloc(t.rowOffsets.length * 4),
    tokRows: alloc(t.rows.length * 4),
    prune: prune ? alloc(prune.length * 4) : 0,
    hashes: alloc(scan.maxLineTokens * 4),
    get end() {
      return top;
    },
  };
}

function encodeExamples(
  kernel: SupervisedKernel,
  buf: ArrayBufferLike,
  l: SupervisedLayout,
  scan: LineScan,
  t: TokenTables,
  s: EncodeScratch,
  a: FastTextModelData['args'],
  nwords: number,
  prune: Int32Array | undefined,
): number {
  if (prune) new Int32Array(buf, s.prune, prune.length).set(prune);
  new Int32Array(buf, s.stream, scan.length).set(scan.stream);
  new Int32Array(buf, s.tokLabel, t.label.length).set(t.label);
  new Uint32Array(buf, s.tokHash, t.hash.length).set(t.hash);
  new Int32Array(buf, s.tokRowOffsets, t.rowOffsets.length).set(t.rowOffsets);
  new Int32Array(buf, s.tokRows, t.rows.length).set(t.rows);
  const e = new Int32Array(buf, s.args, SE.slots);
  e[SE.stream] = s.stream;
  e[SE.length] = scan.length;
  e[SE.tokLabel] = s.tokLabel;
  e[SE.tokHash] = s.tokHash;
  e[SE.tokRowOffsets] = s.tokRowOffsets;
  e[SE.tokRows] = s.tokRows;
  e[SE.wordNgrams] = a.wordNgrams;
  e[SE.bucket] = a.bucket;
  e[SE.nwords] = nwords;
  e[SE.prune] = prune ? s.prune : 0;
  e[SE.exOffsets] = l.exOffsets;
  e[SE.exRows] = l.exRows;
  e[SE.labOffsets] = l.labOffsets;
  e[SE.labels] = l.labels;
  e[SE.hashes] = s.hashes;
  kernel.sup_encode(s.args);
  return e[SE.examples];
}

function denseOf(m: FastTextModelData['input'], what: string): DenseMatrix {
  if (m.kind !== 'dense') throw new EmbedkitError(`cannot train on a quantized ${what} matrix`);
  return m;
}

function copyRowsIn(buf: ArrayBufferLike, at: number, stride: number, m: DenseMatrix): void {
  const dst = new Float32Array(buf, at, m.rows * stride);
  if (stride === m.cols) return dst.set(m.data);
  for (let r = 0; r < m.rows; r++) dst.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), r * stride);
}

/**
 * The trained matrices as fastText's dense matrices. The input matrix is a view of the kernel
 * memory when its rows need no unpadding and the rest of that memory is small beside it (no copy of
 * the largest array; the memory then lives as long as the model), else a copy.
 */
export function extractMatrices(run: KernelRun, dim: number, nlabels: number): { input: DenseMatrix; output: DenseMatrix } {
  const l = run.layout;
  const buf = run.memory.buffer;
  const copy = (ptr: number, rows: number): Float32Array => {
    const src = new Float32Array(buf, ptr, rows * l.stride);
    if (l.stride === dim) return src.slice();
    const out = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * l.stride, r * l.stride + dim), r * dim);
    return out;
  };
  const inputBytes = run.rows * l.stride * 4;
  const viewable = l.stride === dim && buf.byteLength - inputBytes <= inputBytes / 4;
  const input = viewable ? new Float32Array(buf, l.input, run.rows * dim) : copy(l.input, run.rows);
  return {
    input: { kind: 'dense', rows: run.rows, cols: dim, data: input },
    output: { kind: 'dense', rows: nlabels, cols: dim, data: copy(l.output, nlabels) },
  };
}
