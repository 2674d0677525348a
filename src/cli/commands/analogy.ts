import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { int } from '../parse.js';
import { loadModel } from '../model-input.js';
import type { GlobalOptions } from '../run.js';

/** `embedkit analogy MODEL a b c`: a is to b as c is to ? */
export function registerAnalogy(program: Command, globals: () => GlobalOptions): void {
  program
    .command('analogy')
    .description('solve "a is to b as c is to ?" (b - a + c, 3CosAdd; --cosmul for 3CosMul)')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('<a>')
    .argument('<b>')
    .argument('<c>')
    .option('-n, --topn <n>', 'answers to show', int(1), 5)
    .option('--cosmul', 'use 3CosMul (Levy & Goldberg 2014)', false)
    .option('--restrict-vocab <n>', 'search only the n most frequent words', int(1))
    .option('--limit <n>', 'load only the first n vectors of the file', int(1))
    .option('--json', 'print JSON', false)
    .action(
      async (
        model: string,
        a: string,
        b: string,
        c: string,
        o: { topn: number; cosmul: boolean; restrictVocab?: number; limit?: number; json: boolean },
      ) => {
        const { vectors } = await loadModel(model, o.limit);
        const query = { positive: [b, c], negative: [a], topn: o.topn, restrictVocab: o.restrictVocab };
        const results = o.cosmul ? vectors.mostSimilarCosmul(query) : vectors.mostSimilar(query);
        if (o.json || globals().json) return printJson({ query: { a, b, c }, method: o.cosmul ? '3cosmul' : '3cosadd', results });
        printLines([`${a} : ${b} :: ${c} : ?`, ...results.map(({ word, score }) => `  ${score.toFixed(4)}  ${word}`)]);
      },
    );
}
