import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { loadModel } from '../model-input.js';
import type { GlobalOptions } from '../run.js';
import { UsageError } from '../../errors.js';
import { readPrefixSync } from '../../io/core/file-chunks.js';
import { isFastTextModel } from '../../io/fasttext/read.js';
import { FastTextModel } from '../../vectors/fasttext/fasttext-model.js';

/** The first bytes of a file's content, decrypted and decompressed (to tell a fastText model from a vectors file). */
function head(file: string): Uint8Array {
  return readPrefixSync(file, 4).bytes;
}

/** `embedkit vector MODEL WORD…`: the vector of each word; fastText models give vectors for unseen words too. */
export function registerVector(program: Command, globals: () => GlobalOptions): void {
  program
    .command('vector')
    .description('print the vector of each word (fastText .bin/.ftz models also for words they never saw)')
    .argument('<model>', 'fastText .bin/.ftz model, or a vectors file (any supported format)')
    .argument('<words...>', 'words')
    .option('--json', 'print JSON: {"vectors": {"WORD": [...]}} (null for a word without a vector)', false)
    .action(async (model: string, words: string[], o: { json: boolean }) => {
      let get: (w: string) => Float32Array | null;
      if (isFastTextModel(head(model))) {
        const ft = await FastTextModel.load(model);
        get = (w) => ft.wordVector(w);
      } else {
        const { vectors } = await loadModel(model);
        get = (w) => (vectors.has(w) ? vectors.get(w) : null);
      }
      const vectors: Record<string, number[] | null> = {};
      for (const w of words) {
        const v = get(w);
        vectors[w] = v ? Array.from(v) : null;
      }
      const missing = words.filter((w) => vectors[w] === null);
      if (missing.length === words.length) throw new UsageError(`not in the vocabulary of ${model}: ${missing.join(', ')}`);
      if (o.json || globals().json) return printJson({ vectors, ...(missing.length ? { missing } : {}) });
      printLines(
        words.map((w) => (vectors[w] ? `${w} ${vectors[w]!.map((x) => Number(x.toPrecision(6))).join(' ')}` : `${w}: (not in vocabulary)`)),
      );
    });
}
