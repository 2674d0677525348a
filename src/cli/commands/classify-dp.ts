// The DP-SGD flags of `embedkit classify train` (--dp-epsilon …): the logistic and svm methods
// then train by DP-SGD (src/privacy/dp/dp-sgd.ts) instead of L-BFGS.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { dpSgdLinearFitter, type DpSgdPlan } from '../../privacy/dp/dp-sgd.js';
import type { LinearFitter } from '../../tasks/classify/linear-model.js';
import { float, int } from '../parse.js';

/** What commander parses from {@link addDpFlags}. */
export interface DpFlagValues {
  dpEpsilon?: number;
  dpDelta?: number;
  dpClip?: number;
  dpBatchSize?: number;
  dpEpochs?: number;
  dpLearningRate?: number;
}

export function addDpFlags(command: Command): Command {
  return command
    .option(
      '--dp-epsilon <e>',
      'train logistic/svm by DP-SGD to (ε, δ)-differential privacy of the examples (see docs/privacy.md)',
      float(1e-6),
    )
    .option('--dp-delta <d>', 'DP-SGD δ (default min(1e-5, 0.1/n))', float(1e-300, 0.5))
    .option('--dp-clip <c>', 'DP-SGD per-example gradient L2 bound (default 1)', float(1e-9))
    .option('--dp-batch-size <n>', 'DP-SGD expected examples per step, Poisson-sampled (default n/10 in 64 … 4096)', int(1))
    .option('--dp-epochs <n>', 'DP-SGD passes over the data (default 20)', float(1e-3, 1e4))
    .option('--dp-learning-rate <x>', 'DP-SGD step (default 0.5, momentum 0.9)', float(1e-9));
}

/**
 * The linear fitter the DP flags ask for (undefined without --dp-epsilon), and where its plan is
 * read after training. Checks the flags fit the rest of the command.
 */
export function dpTraining(
  o: DpFlagValues & { method?: string; folds?: number; seed?: number },
  seedGiven: boolean,
): { fitter: LinearFitter; plan: () => DpSgdPlan | undefined } | undefined {
  const given = ['dpDelta', 'dpClip', 'dpBatchSize', 'dpEpochs', 'dpLearningRate'].filter((k) => o[k as keyof DpFlagValues] !== undefined);
  if (o.dpEpsilon === undefined) {
    if (given.length > 0) throw new UsageError('the --dp-… options need --dp-epsilon');
    return undefined;
  }
  if (o.method !== 'logistic' && o.method !== 'svm')
    throw new UsageError('--dp-epsilon trains the linear methods: give --method logistic or --method svm');
  if (o.folds !== undefined)
    throw new UsageError('--folds with --dp-epsilon would train on the same examples again and spend more privacy: leave one out');
  const fitter = dpSgdLinearFitter({
    epsilon: o.dpEpsilon,
    delta: o.dpDelta,
    clip: o.dpClip,
    batchSize: o.dpBatchSize,
    epochs: o.dpEpochs,
    learningRate: o.dpLearningRate,
    // a seed makes the noise repeatable, so only an explicit --seed sets it
    seed: seedGiven ? o.seed : undefined,
  });
  return { fitter: fitter.fit, plan: () => fitter.plan };
}
