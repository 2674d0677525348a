/**
 * A plain-TypeScript reference of src/kernels/c/word2vec.c, used by the tests to check the WASM
 * kernel bit for bit: same random-number calls in the same order, float32 arithmetic rounded at
 * the same points (Math.fround), and dot products summed in the kernel's SIMD order (4 lanes ×
 * 4 accumulators, then the same horizontal sum). Slow and simple on purpose.
 */
import type { AliasTable } from '../../src/math/alias-table.js';
import type { HuffmanTree } from '../../src/vectors/word2vec/huffman.js';

const f = Math.fround;
const MASK = (1n << 64n) - 1n;
const MAX_EXP = 6;
const TABLE_STEP = 83; // EXP_TABLE_SIZE / MAX_EXP / 2 in C integer arithmetic (as word2vec.c)

export interface ReferenceModel {
  sg: boolean;
  cbowMean: boolean;
  sharedNeg: boolean;
  hs: boolean;
  window: number;
  negative: number;
  dim: number;
  stride: number;
  vocabSize: number;
  maxSentence: number;
  sample: boolean;
  syn0: Float32Array;
  syn1neg: Float32Array;
  syn1: Float32Array;
  expTable: Float32Array;
  keep: Uint32Array;
  alias: AliasTable | undefined;
  huffman: HuffmanTree | undefined;
  remap: Int32Array;
}

export class ReferenceKernel {
  rng: bigint;
  private negs: Int32Array;

  constructor(
    readonly m: ReferenceModel,
    rngState: bigint,
  ) {
    this.rng = rngState;
    this.negs = new Int32Array(Math.max(1, m.negative));
  }

  next(): bigint {
    let x = this.rng;
    x ^= x >> 12n;
    x = (x ^ (x << 25n)) & MASK;
    x ^= x >> 27n;
    this.rng = x;
    return (x * 0x2545f4914f6cdd1dn) & MASK;
  }

  private below(r: bigint, n: number): number {
    return Number(((r >> 32n) * BigInt(n)) >> 32n);
  }

  private drawNegative(): number {
    const r = this.next();
    const i = this.below(r, this.m.vocabSize);
    return Number(r & 0xffffffffn) <= this.m.alias!.prob[i] ? i : this.m.alias!.alias[i];
  }

  private drawAhead(): void {
    for (let d = 0; d < this.m.negative; d++) this.negs[d] = this.drawNegative();
  }

  /** w2v_init_vectors. */
  initVectors(): void {
    const { syn0, stride, dim, vocabSize } = this.m;
    const scale = f(1 / dim);
    for (let r = 0; r < vocabSize; r++) {
      for (let d = 0; d < stride; d++) {
        if (d < dim) {
          const u = Number(this.next() >> 40n);
          syn0[r * stride + d] = f(f(f(u * f(2 / 16777216)) - 1) * scale);
        } else syn0[r * stride + d] = 0;
      }
    }
  }

  // ---- vector ops over rows given as (array, offset)
  private dot(a: Float32Array, ao: number, b: Float32Array, bo: number): number {
    const n = this.m.stride;
    const s = [new Float32Array(4), new Float32Array(4), new Float32Array(4), new Float32Array(4)];
    let i = 0;
    for (; i + 16 <= n; i += 16) {
      for (let q = 0; q < 4; q++) for (let l = 0; l < 4; l++) s[q][l] = f(s[q][l] + f(a[ao + i + 4 * q + l] * b[bo + i + 4 * q + l]));
    }
    for (; i < n; i += 4) for (let l = 0; l < 4; l++) s[0][l] = f(s[0][l] + f(a[ao + i + l] * b[bo + i + l]));
    const v = [0, 1, 2, 3].map((l) => f(f(s[0][l] + s[1][l]) + f(s[2][l] + s[3][l])));
    return hsum(v);
  }

  private g(score: number, label: number, alpha: number): number {
    if (score >= MAX_EXP) return f(f(label - 1) * alpha);
    if (score <= -MAX_EXP) return f(label * alpha);
    return f(f(label - this.m.expTable[Math.trunc(f(f(score + MAX_EXP) * TABLE_STEP))]) * alpha);
  }

  private hsStep(h: Float32Array, ho: number, target: number, alpha: number, neu1e: Float32Array): void {
    const { huffman, syn1, stride: n } = this.m;
    const off = huffman!.codeOffset[target];
    for (let d = 0; d < huffman!.codeLength[target]; d++) {
      const l2 = huffman!.points[off + d] * n;
      const score = this.dot(h, ho, syn1, l2);
      if (score <= -MAX_EXP || score >= MAX_EXP) continue;
      const code = huffman!.codes[off + d];
      const g = f(f(f(1 - code) - this.m.expTable[Math.trunc(f(f(score + MAX_EXP) * TABLE_STEP))]) * alpha);
      for (let k = 0; k < n; k++) {
        const y = syn1[l2 + k];
        neu1e[k] = f(neu1e[k] + f(g * y));
        syn1[l2 + k] = f(y + f(g * h[ho + k]));
      }
    }
  }

  private nsStep(h: Float32Array, ho: number, target: number, alpha: number, neu1e: Float32Array): void {
    const { syn1neg, stride: n } = this.m;
    for (let d = 0; d <= this.m.negative; d++) {
      let t: number;
      let label: number;
      if (d === 0) {
        t = target;
        label = 1;
      } else {
        t = this.negs[d - 1];
        if (t === target) continue;
        label = 0;
      }
      const l2 = t * n;
      const g = this.g(this.dot(h, ho, syn1neg, l2), label, alpha);
      for (let k = 0; k < n; k++) {
        const y = syn1neg[l2 + k];
        neu1e[k] = f(neu1e[k] + f(g * y));
        syn1neg[l2 + k] = f(y + f(g * h[ho + k]));
      }
    }
    this.drawAhead();
  }

  private sgShared(ctx: number[], centre: number, alpha: number): void {
    const { syn0, syn1neg, stride: n } = this.m;
    const outs = [centre];
    for (let d = 0; d < this.m.negative; d++) if (this.negs[d] !== centre) outs.push(this.negs[d]);
    this.drawAhead();
    const gm = ctx.map((c) => outs.map((o, j) => this.g(this.dot(syn0, c * n, syn1neg, o * n), j === 0 ? 1 : 0, alpha)));
    const grad = ctx.map((_, c) => {
      const gc = new Float32Array(n);
      outs.forEach((o, j) => {
        for (let k = 0; k < n; k++) gc[k] = f(gc[k] + f(gm[c][j] * syn1neg[o * n + k]));
      });
      return gc;
    });
    outs.forEach((o, j) => {
      ctx.forEach((c, ci) => {
        for (let k = 0; k < n; k++) syn1neg[o * n + k] = f(syn1neg[o * n + k] + f(gm[ci][j] * syn0[c * n + k]));
      });
    });
    ctx.forEach((c, ci) => {
      for (let k = 0; k < n; k++) syn0[c * n + k] = f(syn0[c * n + k] + grad[ci][k]);
    });
  }

  private sentenceSg(sent: number[], alpha: number): void {
    const { window, stride: n, syn0 } = this.m;
    for (let i = 0; i < sent.length; i++) {
      const b = this.below(this.next(), window);
      const lo = Math.max(0, i - (window - b));
      const hi = Math.min(sent.length - 1, i + (window - b));
      if (this.m.sharedNeg && this.m.negative > 0 && !this.m.hs) {
        const ctx: number[] = [];
        for (let j = lo; j <= hi; j++) if (j !== i) ctx.push(sent[j]);
        if (ctx.length > 0) this.sgShared(ctx, sent[i], alpha);
        continue;
      }
      for (let j = lo; j <= hi; j++) {
        if (j === i) continue;
        const ho = sent[j] * n;
        const neu1e = new Float32Array(n);
        if (this.m.hs) this.hsStep(syn0, ho, sent[i], alpha, neu1e);
        if (this.m.negative > 0) this.nsStep(syn0, ho, sent[i], alpha, neu1e);
        for (let k = 0; k < n; k++) syn0[ho + k] = f(syn0[ho + k] + neu1e[k]);
      }
    }
  }

  private cbowFused(sent: number[], lo: number, hi: number, i: number, alpha: number): void {
    const { syn0, syn1neg, stride: n } = this.m;
    const centre = sent[i];
    const outs = [centre];
    for (let d = 0; d < this.m.negative; d++) if (this.negs[d] !== centre) outs.push(this.negs[d]);
    this.drawAhead();
    const ctx: number[] = [];
    for (let j = lo; j <= hi; j++) if (j !== i) ctx.push(sent[j]);
    if (ctx.length === 0) return;
    const scale = this.m.cbowMean ? f(1 / ctx.length) : 1;
    const h = new Float32Array(n);
    const acc = [0, 1, 2, 3].map(() => new Float32Array(4));
    const first = [0, 1, 2, 3].map((q) => outs[q < outs.length ? q : 0]);
    for (let k = 0; k < n; k += 4) {
      for (let l = 0; l < 4; l++) {
        let x = syn0[ctx[0] * n + k + l];
        for (let c = 1; c < ctx.length; c++) x = f(x + syn0[ctx[c] * n + k + l]);
        x = f(x * scale);
        h[k + l] = x;
        for (let q = 0; q < 4; q++) acc[q][l] = f(acc[q][l] + f(x * syn1neg[first[q] * n + k + l]));
      }
    }
    const gm = outs.map((o, q) => (q < 4 ? hsum(Array.from(acc[q])) : this.dot(h, 0, syn1neg, o * n)));
    for (let q = 0; q < outs.length; q++) gm[q] = this.g(gm[q], q === 0 ? 1 : 0, alpha);
    const escale = this.m.cbowMean ? 1 : f(1 / ctx.length);
    for (let k = 0; k < n; k++) {
      let e = 0;
      outs.forEach((o, q) => {
        const y = syn1neg[o * n + k];
        e = f(e + f(gm[q] * y));
        syn1neg[o * n + k] = f(y + f(gm[q] * h[k]));
      });
      e = f(e * escale);
      for (const c of ctx) syn0[c * n + k] = f(syn0[c * n + k] + e);
    }
  }

  private sentenceCbow(sent: number[], alpha: number): void {
    const { window, stride: n, syn0 } = this.m;
    for (let i = 0; i < sent.length; i++) {
      const b = this.below(this.next(), window);
      const lo = Math.max(0, i - (window - b));
      const hi = Math.min(sent.length - 1, i + (window - b));
      if (this.m.negative > 0 && !this.m.hs) {
        this.cbowFused(sent, lo, hi, i, alpha);
        continue;
      }
      const neu1 = new Float32Array(n);
      let count = 0;
      for (let j = lo; j <= hi; j++) {
        if (j === i) continue;
        for (let k = 0; k < n; k++) neu1[k] = f(neu1[k] + syn0[sent[j] * n + k]);
        count++;
      }
      if (count === 0) continue;
      const inv = f(1 / count);
      if (this.m.cbowMean) for (let k = 0; k < n; k++) neu1[k] = f(neu1[k] * inv);
      const neu1e = new Float32Array(n);
      if (this.m.hs) this.hsStep(neu1, 0, sent[i], alpha, neu1e);
      if (this.m.negative > 0) this.nsStep(neu1, 0, sent[i], alpha, neu1e);
      if (!this.m.cbowMean) for (let k = 0; k < n; k++) neu1e[k] = f(neu1e[k] * inv);
      for (let j = lo; j <= hi; j++) {
        if (j === i) continue;
        for (let k = 0; k < n; k++) syn0[sent[j] * n + k] = f(syn0[sent[j] * n + k] + neu1e[k]);
      }
    }
  }

  /** w2v_train_job over an encoded stream. */
  trainJob(bytes: Uint8Array, alpha: number): void {
    const a = f(alpha);
    const train = (s: number[]) => (this.m.sg ? this.sentenceSg(s, a) : this.sentenceCbow(s, a));
    if (this.m.negative > 0) this.drawAhead();
    let sent: number[] = [];
    let v = 0;
    let shift = 0;
    for (const byte of bytes) {
      v += (byte & 0x7f) * 2 ** shift;
      if (byte & 0x80) {
        shift += 7;
        continue;
      }
      shift = 0;
      if (v === 0) {
        if (sent.length > 1) train(sent);
        sent = [];
        continue;
      }
      const id = this.m.remap[v - 1];
      v = 0;
      if (id < 0) continue;
      if (this.m.sample && Number(this.next() >> 32n) > this.m.keep[id]) continue;
      sent.push(id);
      if (sent.length === this.m.maxSentence) {
        train(sent);
        sent = [];
      }
    }
    if (sent.length > 1) train(sent);
  }
}

function hsum(v: number[]): number {
  // (v + shuffle(v, 2,3,0,1)) then (+ shuffle(·, 1,0,3,2)), lane 0
  const s0 = f(v[0] + v[2]);
  const s1 = f(v[1] + v[3]);
  return f(s0 + s1);
}
