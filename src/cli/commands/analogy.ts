import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { addLibraryFlags, libraryOptions } from '../library-options.js';
import { LIMIT_FLAG, RESTRICT_VOCAB_FLAG, topnFlag } from '../query-flags.js';
import { loadModel } from '../model-input.js';
import type { GlobalOptions } from '../run.js';

/** An analogy shows its few best answers (a query of the library returns 10 by default). */
const TOPN_FLAG = topnFlag('answers to show', 5);

/** `embedkit analogy MODEL a b c`: a is to b as c is to ? */
export function registerAnalogy(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('analogy')
    .description('solve "a is to b as c is to ?" (b - a + c, 3CosAdd; --cosmul for 3CosMul)')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('<a>')
    .argument('<b>')
    .argument('<c>');
  addLibraryFlags(command, [TOPN_FLAG]);
  command.option('--cosmul', 'use 3CosMul (Levy & Goldberg 2014)', false);
  addLibraryFlags(command, [RESTRICT_VOCAB_FLAG]);
  addLibraryFlags(command, [LIMIT_FLAG]);
  command
    .option('--json', 'print JSON', false)
    .action(async (model: string, a: string, b: string, c: string, o: { cosmul: boolean; json: boolean } & Record<string, unknown>) => {
      const { vectors } = await loadModel(model, libraryOptions(o, [LIMIT_FLAG]).limit);
      const query = { ...libraryOptions(o, [TOPN_FLAG, RESTRICT_VOCAB_FLAG]), positive: [b, c], negative: [a] };
      const results = o.cosmul ? vectors.mostSimilarCosmul(query) : vectors.mostSimilar(query);
      if (o.json || globals().json) return printJson({ query: { a, b, c }, method: o.cosmul ? '3cosmul' : '3cosadd', results });
      printLines([`${a} : ${b} :: ${c} : ?`, ...results.map(({ word, score }) => `  ${score.toFixed(4)}  ${word}`)]);
    });
}
