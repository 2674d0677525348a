import { interleave } from '../../word2vec/job-order.js';
import { JOB_EXAMPLES } from './kernel-layout.js';

/**
 * The jobs of one epoch: contiguous ranges of JOB_EXAMPLES examples, handed out from `parts`
 * contiguous parts of the data in turn (threads work on distant examples, as fastText's threads
 * each start at their own offset of the file). `before[n]` counts the examples of the jobs handed
 * out before the n-th, which gives each job its place in fastText's linearly decaying learning rate.
 */
export interface JobPlan {
  count: number;
  first: Int32Array;
  size: Int32Array;
  before: Float64Array;
}

export function planJobs(examples: number, parts: number): JobPlan {
  const count = Math.ceil(examples / JOB_EXAMPLES);
  const first = new Int32Array(count);
  const size = new Int32Array(count);
  const before = new Float64Array(count);
  let done = 0;
  for (let n = 0; n < count; n++) {
    const job = interleave(n, count, parts);
    first[n] = job * JOB_EXAMPLES;
    size[n] = Math.min(JOB_EXAMPLES, examples - first[n]);
    before[n] = done;
    done += size[n];
  }
  return { count, first, size, before };
}

/** Learning rates at the start and end of the n-th job of the run (fastText: lr × (1 − progress)). */
export function jobRates(plan: JobPlan, n: number, examples: number, epochs: number, lr: number): [number, number] {
  const k = n % plan.count;
  const start = Math.floor(n / plan.count) * examples + plan.before[k];
  const total = examples * epochs;
  return [lr * (1 - start / total), lr * (1 - (start + plan.size[k]) / total)];
}
