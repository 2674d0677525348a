// Worker-thread entry of GloVe co-occurrence counting: runs the counting kernel over every job of
// the encoded corpus, merging the record buffer when full and spilling it to a sorted chunk file
// when merging frees too little (corpora larger than the budget), then merges the chunks, appends
// the dense table and shuffles — leaving the training records at layout.recs.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ensureMemory, instantiateKernel } from '../../kernels/wasm.js';
import { COUNT_REC_BYTES, TRAIN_REC_BYTES } from './cooccur-layout.js';
import { mergeChunks } from './merge-chunks.js';
import { COUNT_CTRL, type CountReply, type CountTask } from './protocol.js';

interface Kernel extends WebAssembly.Exports {
  glove_count_job(
    data: number,
    nbytes: number,
    remap: number,
    remapSize: number,
    window: number,
    symmetric: number,
    distanceWeighting: number,
    history: number,
    dense: number,
    lookup: number,
    maxProduct: bigint,
    recs: number,
    state: number,
  ): number;
  glove_compact(recs: number, n: bigint): bigint;
  glove_emit_dense(dense: number, lookup: number, rows: number, out: number): bigint;
  glove_to_train(recs: number, n: bigint, out: number): bigint;
  glove_shuffle(recs: number, n: bigint, rng: number): void;
}

function run(t: CountTask): CountReply {
  const k = instantiateKernel<Kernel>(t.module, t.memory, t.stackTop);
  const l = t.layout;
  const ctl = new Float64Array(t.control);
  const state = () => new BigInt64Array(t.memory.buffer, l.state, 2);
  const dir = mkdtempSync(join(t.tempDir, 'embedkit-glove-'));
  const chunks: string[] = [];
  const fd = t.corpus.kind === 'file' ? openSync(t.corpus.path, 'r') : -1;
  try {
    const spill = (n: number) => {
      const path = join(dir, `chunk-${chunks.length}.bin`);
      const out = openSync(path, 'w');
      try {
        const bytes = new Uint8Array(t.memory.buffer, l.recs, n * COUNT_REC_BYTES);
        for (let o = 0; o < bytes.length;) o += writeSync(out, bytes, o, Math.min(1 << 24, bytes.length - o));
      } finally {
        closeSync(out);
      }
      chunks.push(path);
    };
    // Frees the record buffer: merge equal pairs; spill if that leaves it more than half full.
    const makeRoom = () => {
      const n = Number(k.glove_compact(l.recs, state()[0]));
      if (n > l.recCapacity / 2) {
        spill(n);
        state()[0] = 0n;
      } else state()[0] = BigInt(n);
    };
    for (let j = 0; j < t.jobLengths.length; j++) {
      if (ctl[COUNT_CTRL.abort] !== 0) throw new Error('aborted');
      const len = t.jobLengths[j];
      if (Number(state()[0]) + 2 * t.window * len > l.recCapacity) makeRoom();
      let ptr: number;
      if (t.corpus.kind === 'memory') ptr = t.corpus.offset + t.jobOffsets[j];
      else {
        const view = new Uint8Array(t.memory.buffer, l.input, len);
        for (let got = 0; got < len;) {
          const n = readSync(fd, view, got, len - got, t.jobOffsets[j] + got);
          if (n <= 0) throw new Error(`${t.corpus.path}: encoded corpus ends early (job ${j})`);
          got += n;
        }
        ptr = l.input;
      }
      const rc = k.glove_count_job(
        ptr,
        len,
        t.remap,
        t.remapSize,
        t.window,
        t.symmetric ? 1 : 0,
        t.distanceWeighting ? 1 : 0,
        l.history,
        l.dense,
        l.lookup,
        BigInt(l.maxProduct),
        l.recs,
        l.state,
      );
      if (rc !== 0) throw new Error(`encoded corpus job ${j} is malformed (kernel returned ${rc})`);
      ctl[COUNT_CTRL.jobsDone] = j + 1;
    }
    let sparse: number;
    if (chunks.length === 0) {
      const n = k.glove_compact(l.recs, state()[0]);
      sparse = Number(k.glove_to_train(l.recs, n, l.recs)); // in place: 12-byte records over 16-byte ones
    } else {
      const n = Number(k.glove_compact(l.recs, state()[0]));
      if (n > 0) spill(n);
      sparse = mergeChunks(chunks, t.memory, l.recs);
    }
    const denseOut = l.recs + sparse * TRAIN_REC_BYTES;
    const cells = new Float64Array(t.memory.buffer, l.dense, l.denseCells);
    let nonZero = 0;
    for (let i = 0; i < cells.length; i++) if (cells[i] > 0) nonZero++;
    ensureMemory(t.memory, denseOut + nonZero * TRAIN_REC_BYTES);
    const dense = Number(k.glove_emit_dense(l.dense, l.lookup, l.rowOffsets.length - 1, denseOut));
    const records = sparse + dense;
    k.glove_shuffle(l.recs, BigInt(records), l.rng);
    return { type: 'done', records, denseRecords: dense, chunks: chunks.length, tokens: Number(state()[1]) };
  } finally {
    if (fd >= 0) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  parentPort?.postMessage(run(workerData as CountTask));
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message });
}
