import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { addLibraryFlags, libraryOptions } from '../library-options.js';
import { LIMIT_FLAG, RESTRICT_VOCAB_FLAG, topnFlag } from '../query-flags.js';
import { loadModel } from '../model-input.js';
import type { GlobalOptions } from '../run.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_TOPN } from '../../vectors/keyed-vectors.js';

const SEARCH_FLAGS = [topnFlag('neighbours per word', DEFAULT_TOPN), RESTRICT_VOCAB_FLAG];

/** `embedkit similar MODEL WORD…`: nearest neighbours of each word. */
export function registerSimilar(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('similar')
    .description('nearest neighbours (cosine) of each word')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('<words...>', 'query words');
  addLibraryFlags(command, SEARCH_FLAGS);
  addLibraryFlags(command, [LIMIT_FLAG]);
  command
    .option('--json', 'print JSON: {"results": {"WORD": [{"word", "score"}]}}', false)
    .action(async (model: string, words: string[], o: { json: boolean } & Record<string, unknown>) => {
      const search = libraryOptions(o, SEARCH_FLAGS);
      const { vectors } = await loadModel(model, libraryOptions(o, [LIMIT_FLAG]).limit);
      const missing = words.filter((w) => !vectors.has(w));
      if (missing.length === words.length) throw new UsageError(`not in the vocabulary of ${model}: ${missing.join(', ')}`);
      const results: Record<string, { word: string; score: number }[] | null> = {};
      for (const w of words) {
        results[w] = vectors.has(w) ? vectors.mostSimilar(w, search) : null;
      }
      if (o.json || globals().json) return printJson({ results, ...(missing.length ? { missing } : {}) });
      const lines: string[] = [];
      for (const w of words) {
        const r = results[w];
        lines.push(r ? `${w}:` : `${w}: (not in vocabulary)`);
        if (r) for (const { word, score } of r) lines.push(`  ${score.toFixed(4)}  ${word}`);
      }
      printLines(lines);
    });
}
