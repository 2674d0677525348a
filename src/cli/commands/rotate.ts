import type { Command } from 'commander';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import { readKeyFile } from '../../privacy/key-file.js';
import { KeyedRotation } from '../../privacy/rotation.js';
import { printJson, printLines } from '../output.js';
import type { GlobalOptions } from '../run.js';
import { writeVectorsLike } from './vectors-file.js';

/** `embedkit rotate`: the keyed orthogonal transform of vectors (and its inverse). */
export function registerRotate(program: Command, globals: () => GlobalOptions): void {
  program
    .command('rotate')
    .description(
      'apply a secret random rotation derived from a key file to vectors (distances and inner products kept): index the rotated vectors, rotate queries with the same key',
    )
    .argument('<vectors>', 'vectors file (.fvecs, .npy, .jsonl, or word vectors: ekv, word2vec, GloVe)')
    .requiredOption('--rotation-key <file>', 'the secret (≥ 16 bytes, e.g. openssl rand -hex 32 > key); same key, same rotation')
    .requiredOption('-o, --output <file>', 'rotated vectors: .fvecs, .npy, .jsonl, or a word-vector format (ids kept)')
    .option('--inverse', 'undo the rotation', false)
    .option('--json', 'print JSON {rows, dim, inverse, seconds, output}', false)
    .action(async (file: string, o: { rotationKey: string; output: string; inverse: boolean; json: boolean }) => {
      const t0 = performance.now();
      const secret = await readKeyFile(o.rotationKey);
      const input = await readVectorsAny(file);
      const rotation = KeyedRotation.fromKey(secret, input.dim);
      const out = o.inverse ? rotation.inverse(input.data, input.rows) : rotation.apply(input.data, input.rows);
      await writeVectorsLike(o.output, input, out);
      const summary = { rows: input.rows, dim: input.dim, inverse: o.inverse, seconds: (performance.now() - t0) / 1000, output: o.output };
      if (o.json || globals().json) printJson(summary);
      else printLines([`${o.inverse ? 'un-rotated' : 'rotated'} ${input.rows} vectors × ${input.dim} → ${o.output}`]);
    });
}
