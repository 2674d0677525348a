import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { int } from '../parse.js';
import { loadModel } from '../model-input.js';
import type { GlobalOptions } from '../run.js';
import { UsageError } from '../../errors.js';

/** `embedkit similar MODEL WORD…`: nearest neighbours of each word. */
export function registerSimilar(program: Command, globals: () => GlobalOptions): void {
  program
    .command('similar')
    .description('nearest neighbours (cosine) of each word')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('<words...>', 'query words')
    .option('-n, --topn <n>', 'neighbours per word', int(1), 10)
    .option('--restrict-vocab <n>', 'search only the n most frequent words', int(1))
    .option('--limit <n>', 'load only the first n vectors of the file', int(1))
    .option('--json', 'print JSON: {"results": {"WORD": [{"word", "score"}]}}', false)
    .action(async (model: string, words: string[], o: { topn: number; restrictVocab?: number; limit?: number; json: boolean }) => {
      const { vectors } = await loadModel(model, o.limit);
      const missing = words.filter((w) => !vectors.has(w));
      if (missing.length === words.length) throw new UsageError(`not in the vocabulary of ${model}: ${missing.join(', ')}`);
      const results: Record<string, { word: string; score: number }[] | null> = {};
      for (const w of words) {
        results[w] = vectors.has(w) ? vectors.mostSimilar({ positive: [w], topn: o.topn, restrictVocab: o.restrictVocab }) : null;
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
