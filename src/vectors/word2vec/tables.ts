import { buildAliasTable, type AliasTable } from '../../math/alias-table.js';
import { EXP_TABLE_SIZE, MAX_EXP } from './layout.js';

/**
 * Sigmoid and log-sigmoid sampled on EXP_TABLE_SIZE points of [-MAX_EXP, MAX_EXP) (word2vec.c's
 * expTable; the log table serves the loss).
 */
export function sigmoidTables(): { sigmoid: Float32Array; logSigmoid: Float32Array } {
  const sigmoid = new Float32Array(EXP_TABLE_SIZE);
  const logSigmoid = new Float32Array(EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const x = ((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP;
    const e = Math.exp(x);
    sigmoid[i] = e / (e + 1);
    logSigmoid[i] = Math.log(e / (e + 1));
  }
  return { sigmoid, logSigmoid };
}

/**
 * Frequent-word subsampling (Mikolov et al. 2013, in word2vec.c's and gensim's form): word w with
 * count c is kept with probability (sqrt(c/t) + 1) · t/c, t = sample · total. Returned as 32-bit
 * thresholds: keep iff a uniform 32-bit draw is <= keep[w]. sample 0 keeps everything.
 */
export function keepThresholds(counts: Float64Array, total: number, sample: number): Uint32Array {
  const keep = new Uint32Array(counts.length);
  const t = sample * total;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    const p = sample > 0 ? (Math.sqrt(c / t) + 1) * (t / c) : 1;
    keep[i] = p >= 1 ? 0xffffffff : Math.floor(p * 4294967296);
  }
  return keep;
}

/** The noise distribution of negative sampling: counts^exponent (0.75 by default), as an alias table. */
export function noiseTable(counts: Float64Array, exponent: number): AliasTable {
  const weights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) weights[i] = Math.pow(counts[i], exponent);
  return buildAliasTable(weights);
}
