import { availableParallelism } from 'node:os';
import { UsageError } from '../../../errors.js';

/** Hyper-parameters of {@link trainSupervised}, named as fastText's `supervised` flags. */
export interface SupervisedOptions {
  /** Vector dimension (default 100). */
  dim?: number;
  /** Learning rate (default 0.1), decayed linearly to 0. */
  lr?: number;
  /** Passes over the data (default 5). */
  epoch?: number;
  /** Words seen fewer times are dropped (default 1). */
  minCount?: number;
  /** Labels seen fewer times are dropped (default 0). */
  minCountLabel?: number;
  /** Word n-grams up to this length, hashed into `bucket` rows (default 1 = words only). */
  wordNgrams?: number;
  /** Character n-grams (default 0 = none, as fastText's supervised default). */
  minn?: number;
  maxn?: number;
  /** Hash buckets for word and character n-grams (default 2,000,000; 0 when neither is used). */
  bucket?: number;
  /** `softmax` (default), `hs` (hierarchical softmax), `ova` (one-vs-all, multi-label), `ns`. */
  loss?: 'softmax' | 'hs' | 'ova' | 'ns';
  /** Negatives per example for `ns` (default 5). */
  neg?: number;
  /** Label prefix (default `__label__`). */
  label?: string;
  seed?: number;
  /**
   * Worker threads of the asynchronous trainers (`trainSupervisedAsync`, `fitAsync`; default: the
   * available cores). The synchronous `fit` trains on the calling thread.
   */
  thread?: number;
}

export type ResolvedSupervisedOptions = Required<SupervisedOptions>;

export const SUPERVISED_DEFAULTS = Object.freeze({
  dim: 100,
  lr: 0.1,
  epoch: 5,
  minCount: 1,
  minCountLabel: 0,
  wordNgrams: 1,
  minn: 0,
  maxn: 0,
  loss: 'softmax',
  neg: 5,
  label: '__label__',
  seed: 1,
} as const);

export function resolveSupervisedOptions(o: SupervisedOptions = {}): ResolvedSupervisedOptions {
  const d = SUPERVISED_DEFAULTS;
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${v}`);
    return v;
  };
  const r = {
    dim: int('dim', o.dim ?? d.dim, 1),
    lr: o.lr ?? d.lr,
    epoch: int('epoch', o.epoch ?? d.epoch, 1),
    minCount: int('minCount', o.minCount ?? d.minCount, 1),
    minCountLabel: int('minCountLabel', o.minCountLabel ?? d.minCountLabel, 0),
    wordNgrams: int('wordNgrams', o.wordNgrams ?? d.wordNgrams, 1),
    minn: int('minn', o.minn ?? d.minn, 0),
    maxn: int('maxn', o.maxn ?? d.maxn, 0),
    bucket: 0,
    loss: o.loss ?? d.loss,
    neg: int('neg', o.neg ?? d.neg, 1),
    label: o.label ?? d.label,
    seed: o.seed ?? d.seed,
    thread: int('thread', o.thread ?? Math.max(1, availableParallelism()), 1),
  };
  if (!(r.lr > 0 && Number.isFinite(r.lr))) throw new UsageError(`lr must be > 0, got ${r.lr}`);
  if (!['softmax', 'hs', 'ova', 'ns'].includes(r.loss)) throw new UsageError(`loss must be softmax, hs, ova or ns, got '${r.loss}'`);
  if (r.label.length === 0) throw new UsageError('the label prefix must not be empty');
  if (r.maxn > 0 && (r.minn < 1 || r.minn > r.maxn)) throw new UsageError(`need 1 <= minn <= maxn, got minn ${r.minn}, maxn ${r.maxn}`);
  // fastText: no buckets when there are neither word n-grams nor character n-grams.
  r.bucket = int('bucket', o.bucket ?? (r.wordNgrams <= 1 && r.maxn === 0 ? 0 : 2_000_000), 0);
  return r;
}
