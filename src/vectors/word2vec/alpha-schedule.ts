import { partStart } from './job-order.js';

/**
 * How the learning rate decays linearly from `alpha` to `minAlpha` (one rate per job):
 * - 'per-part' (default): as gensim's `corpus_file` mode, the reference the benchmarks compare with.
 *   The corpus is trained as `workers` contiguous parts at once (see interleave), and a job's rate
 *   comes from its own part's position: progress = (epoch + tokens before the job in its part /
 *   tokens per epoch) / epochs. gensim 4.2 word2vec_corpusfile.pyx `get_next_alpha` computes this
 *   per thread, each thread reading 1/workers of the file but dividing by the whole corpus's words
 *   (word2vec.py `_train_epoch_corpusfile` passes `total_words` to every thread). With one worker it
 *   is the plain global decay; with w workers the last rate is about
 *   alpha - (alpha - minAlpha) * (1 - (1 - 1/w) / epochs) (CBOW 0.05 → 1e-4, 2 workers, 5 epochs:
 *   0.0051), and each epoch starts where the global decay would.
 * - 'global': by the words trained so far by all workers (word2vec.c, fastText, gensim with an
 *   iterable corpus): reaches minAlpha at the end whatever the number of workers.
 */
export type AlphaDecay = 'per-part' | 'global';

/** Linear decay: the rate after `done` of `total` units of progress. */
export function linearAlpha(alpha: number, minAlpha: number, done: number, total: number): number {
  return Math.max(minAlpha, alpha - ((alpha - minAlpha) * done) / Math.max(1, total));
}

/**
 * For 'per-part' decay: the tokens of the jobs before job j in j's part (parts as in interleave),
 * from the tokens of every job.
 */
export function tokensBeforeInPart(tokens: ArrayLike<number>, parts: number): Float64Array {
  const jobs = tokens.length;
  const before = new Float64Array(jobs);
  for (let p = 0; p < parts; p++) {
    let sum = 0;
    for (let j = partStart(p, jobs, parts); j < partStart(p + 1, jobs, parts); j++) {
      before[j] = sum;
      sum += tokens[j];
    }
  }
  return before;
}
