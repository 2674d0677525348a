import type { Command } from 'commander';
import { Option } from 'commander';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import { privatizeVectors } from '../../privacy/dp/release.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';
import { writeVectorsLike } from './vectors-file.js';

/** `embedkit privatize`: release vectors with the Gaussian mechanism. */
export function registerPrivatize(program: Command, globals: () => GlobalOptions): void {
  program
    .command('privatize')
    .description('release vectors with (ε, δ)-differential privacy: clip each to L2 norm ≤ C, add calibrated Gaussian noise')
    .argument('<vectors>', 'vectors file (.fvecs, .npy, .jsonl, or word vectors: ekv, word2vec, GloVe)')
    .requiredOption('--epsilon <e>', 'privacy loss ε per vector (> 0)', float(1e-9))
    .requiredOption('--delta <d>', 'δ, the probability the ε bound fails (e.g. 1e-6)', float(1e-300, 0.5))
    .requiredOption('--clip <c>', 'L2 norm each vector is clipped to (sensitivity = 2C)', float(1e-12))
    .requiredOption('-o, --output <file>', 'noisy vectors: .fvecs, .npy, .jsonl, or a word-vector format (ids kept)')
    .addOption(
      new Option('--calibration <how>', 'analytic (Balle & Wang 2018, any ε) or classic (σ = 2C·√(2 ln(1.25/δ))/ε, ε < 1 only)')
        .default('analytic')
        .argParser(oneOf(['analytic', 'classic'] as const)),
    )
    .option('--seed <n>', 'repeatable noise (tests only: whoever knows the seed can remove the noise)', int(0))
    .option(
      '--json',
      'print JSON {rows, dim, epsilon, delta, achievedDelta, clip, sensitivity, sigma, calibration, clippedRows, output}',
      false,
    )
    .action(
      async (
        file: string,
        o: {
          epsilon: number;
          delta: number;
          clip: number;
          output: string;
          calibration: 'analytic' | 'classic';
          seed?: number;
          json: boolean;
        },
      ) => {
        const input = await readVectorsAny(file);
        const r = privatizeVectors(input, { epsilon: o.epsilon, delta: o.delta, clip: o.clip, calibration: o.calibration, seed: o.seed });
        await writeVectorsLike(o.output, input, r.data);
        const summary = {
          rows: r.rows,
          dim: r.dim,
          epsilon: r.epsilon,
          delta: r.delta,
          achievedDelta: r.achievedDelta,
          clip: r.clip,
          sensitivity: r.sensitivity,
          sigma: r.sigma,
          calibration: r.calibration,
          clippedRows: r.clippedRows,
          output: o.output,
        };
        if (o.json || globals().json) printJson(summary);
        else
          printLines([
            `released ${r.rows} vectors × ${r.dim} with (ε = ${r.epsilon}, δ = ${r.delta})-DP each: clipped to ‖v‖ ≤ ${r.clip} (${r.clippedRows} rows scaled down), Gaussian noise σ = ${r.sigma.toPrecision(5)} (${r.calibration}) → ${o.output}`,
          ]);
      },
    );
}
