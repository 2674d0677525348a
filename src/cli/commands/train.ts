import type { Command } from 'commander';
import { Option } from 'commander';
import { GLOVE_FLAGS, gloveOptions, runGloVe } from './train-glove.js';
import { saveVectors } from '../../vectors/save.js';
import type { VectorFormatName } from '../../io/word-vectors/vector-format.js';
import { FORMAT_NAMES } from '../../io/word-vectors/formats.js';
import { FileCorpus } from '../../text/file-corpus.js';
import { Tokenizer } from '../../text/tokenizer.js';
import { Word2Vec } from '../../vectors/word2vec/trainer.js';
import type { TrainingProgress } from '../../vectors/word2vec/options.js';
import { addLibraryFlags, libraryOptions } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { oneOf } from '../parse.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { SENTENCE_FLAGS, TOKENIZER_FLAGS, TRAINING_FLAGS } from './train-flags.js';

/** What commander parses: the command's own flags; the library options are read through the flag tables. */
interface TrainCommandOptions {
  input: string[];
  output: string;
  format?: VectorFormatName;
  json: boolean;
  quiet: boolean;
}

/** Models of `--model`: word2vec's and GloVe. */
const TRAIN_MODELS = ['skipgram', 'cbow', 'glove'] as const;

/** `embedkit train`: word2vec or GloVe on text files. */
export function registerTrain(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('train')
    .description('train word vectors (word2vec skip-gram or CBOW, or GloVe) on text files (plain or .gz, one sentence per line)')
    .requiredOption('-i, --input <files...>', 'corpus files or glob patterns')
    .requiredOption('-o, --output <file>', 'where to write the vectors')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the extension, else ekv)').argParser(oneOf(FORMAT_NAMES)));
  command.addOption(
    new Option('-m, --model <model>', 'skipgram (sg), cbow or glove')
      .argParser(oneOf([...TRAIN_MODELS], { sg: 'skipgram' }))
      .default('skipgram'),
  );
  addLibraryFlags(
    command,
    TRAINING_FLAGS.filter((f) => f.key !== 'model'),
  );
  addLibraryFlags(command, GLOVE_FLAGS);
  addLibraryFlags(command, TOKENIZER_FLAGS);
  addLibraryFlags(command, SENTENCE_FLAGS);
  command
    .option('--json', 'print the result as JSON', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: TrainCommandOptions & Record<string, unknown>, self: Command) => {
      const g = globals();
      const bar = new ProgressBar(!o.quiet);
      const signal = abortOnSigint();
      const tokenizer = new Tokenizer(libraryOptions(o, TOKENIZER_FLAGS));
      if (o.model === 'glove') {
        const options = gloveOptions(o, self);
        const corpus = await FileCorpus.open(o.input);
        return runGloVe({ corpus, tokenizer, output: o.output, format: o.format, json: o.json || g.json, bar }, { ...options, signal });
      }
      const corpus = await FileCorpus.open(o.input);
      const t0 = performance.now();
      const w2v = new Word2Vec({
        ...libraryOptions(o, TRAINING_FLAGS),
        ...libraryOptions(o, SENTENCE_FLAGS),
        signal,
        progressInterval: 200,
        onProgress: (p) => showProgress(bar, p),
      });
      const { model, dim, epochs } = w2v.options;
      try {
        const vocab = await w2v.buildVocab(corpus, tokenizer);
        const training = await w2v.train();
        bar.update('save', 1, o.output, true);
        await saveVectors(w2v.wv, o.output, o.format ? { format: o.format } : {});
        bar.done();
        const seconds = (performance.now() - t0) / 1000;
        const result = {
          output: o.output,
          format: o.format ?? 'auto',
          words: vocab.rawTokens * epochs,
          trainedWords: training.words,
          effectiveWords: training.effectiveWords,
          corpusTokens: vocab.rawTokens,
          sentences: vocab.sentences,
          vocabSize: vocab.vocabSize,
          dim,
          epochs,
          seconds,
          wordsPerSecond: (vocab.rawTokens * epochs) / seconds,
          vocabSeconds: vocab.seconds,
          trainSeconds: training.seconds,
          trainWordsPerSecond: training.wordsPerSecond,
          ...(training.loss !== undefined ? { loss: training.loss } : {}),
        };
        if (o.json || g.json) printJson(result);
        else {
          printLines([
            `trained ${model} on ${compact(vocab.rawTokens)} tokens × ${epochs} epochs: ${vocab.vocabSize} words × ${dim} dims`,
            `vocabulary scan ${vocab.seconds.toFixed(1)} s, training ${training.seconds.toFixed(1)} s (${compact(training.wordsPerSecond)} words/s), total ${seconds.toFixed(1)} s`,
            ...(training.loss !== undefined ? [`final mean loss ${training.loss.toFixed(4)}`] : []),
            `wrote ${o.output}`,
          ]);
        }
      } finally {
        bar.done();
        w2v.dispose();
      }
    });
}

function showProgress(bar: ProgressBar, p: TrainingProgress): void {
  if (p.phase === 'vocab') {
    bar.update('vocab', p.fraction, `${compact(p.wordsDone)} tokens  ${compact(p.wordsPerSecond)} tokens/s  ETA ${duration(p.etaSeconds)}`);
  } else {
    const loss = p.loss !== undefined && Number.isFinite(p.loss) ? `  loss ${p.loss.toFixed(4)}` : '';
    bar.update(
      `ep ${p.epoch}/${p.epochs}`,
      p.fraction,
      `${compact(p.wordsPerSecond)} words/s  alpha ${p.alpha.toFixed(5)}  ETA ${duration(p.etaSeconds)}${loss}`,
    );
  }
}
