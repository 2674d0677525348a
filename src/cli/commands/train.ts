import type { Command } from 'commander';
import { Option } from 'commander';
import { GLOVE_FLAGS, gloveOptions, runGloVe } from './train-glove.js';
import { DOC2VEC_FLAGS, doc2vecOptions, runDoc2Vec } from './train-doc2vec.js';
import { saveVectors } from '../../vectors/save.js';
import type { VectorFormatName } from '../../io/word-vectors/vector-format.js';
import { FORMAT_NAMES } from '../../io/word-vectors/formats.js';
import { FileCorpus } from '../../text/file-corpus.js';
import { Tokenizer } from '../../text/tokenizer.js';
import { FastText } from '../../vectors/fasttext/trainer.js';
import { Word2Vec } from '../../vectors/word2vec/trainer.js';
import type { TrainingProgress } from '../../vectors/word2vec/options.js';
import { UsageError } from '../../errors.js';
import { addLibraryFlags, givenFlags, libraryOptions } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { oneOf } from '../parse.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { addScrubOptions, scrubberOf, type ScrubOptionValues } from '../scrub-option.js';
import { ScrubbedCorpus } from '../../privacy/scrub/scrubbed-corpus.js';
import { FASTTEXT_OWN_DEFAULTS, SENTENCE_FLAGS, SUBWORD_FLAGS, TOKENIZER_FLAGS, TRAINING_FLAGS, type TrainModel } from './train-flags.js';

/** What commander parses: the command's own flags; the library options are read through the flag tables. */
interface TrainCommandOptions {
  input: string[];
  output: string;
  format?: VectorFormatName;
  json: boolean;
  quiet: boolean;
}

/** `embedkit train`: word2vec, fastText subword vectors or GloVe on text files. */
export function registerTrain(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('train')
    .description(
      'train word2vec or fastText subword vectors (skip-gram or CBOW), or GloVe, on text files (plain or .gz, one sentence per line); fastText models written to .bin are fastText model files',
    )
    .requiredOption('-i, --input <files...>', 'corpus files or glob patterns')
    .requiredOption('-o, --output <file>', 'where to write the vectors (fastText models: .bin = the whole model, else the word vectors)')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the extension, else ekv)').argParser(oneOf(FORMAT_NAMES)));
  addLibraryFlags(command, TRAINING_FLAGS);
  addLibraryFlags(command, SUBWORD_FLAGS);
  addLibraryFlags(command, GLOVE_FLAGS);
  addLibraryFlags(command, DOC2VEC_FLAGS);
  addLibraryFlags(command, TOKENIZER_FLAGS);
  addLibraryFlags(command, SENTENCE_FLAGS);
  addScrubOptions(command);
  command
    .option('--json', 'print the result as JSON', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: TrainCommandOptions & ScrubOptionValues & Record<string, unknown>, cmd: Command) => {
      const g = globals();
      const bar = new ProgressBar(!o.quiet);
      const signal = abortOnSigint();
      const tokenizer = new Tokenizer(libraryOptions(o, TOKENIZER_FLAGS));
      const files = await FileCorpus.open(o.input);
      const scrubber = await scrubberOf(o);
      const corpus = scrubber ? new ScrubbedCorpus(files, scrubber) : files;
      const { model: chosen = 'skipgram', ...trainingOptions } = libraryOptions(o, TRAINING_FLAGS);
      refuseOtherModelsFlags(cmd, chosen);
      if (chosen === 'glove') {
        const options = gloveOptions(o, cmd);
        return runGloVe({ corpus, tokenizer, output: o.output, format: o.format, json: o.json || g.json, bar }, { ...options, signal });
      }
      if (chosen === 'doc2vec-dbow' || chosen === 'doc2vec-dm') {
        if (o.format) throw new UsageError('--format does not apply to doc2vec: the output is a Doc2Vec model file');
        if (scrubber) throw new UsageError('--scrub does not apply to doc2vec (it reads the files itself): run embedkit scrub first');
        const options = doc2vecOptions(o, cmd, chosen === 'doc2vec-dm' ? 'dm' : 'dbow');
        const { docFormat = 'auto' } = libraryOptions(o, DOC2VEC_FLAGS);
        const tokenizerOptions = libraryOptions(o, TOKENIZER_FLAGS);
        const json = o.json || g.json;
        return runDoc2Vec({ input: o.input, tokenizer, tokenizerOptions, docFormat, output: o.output, json, bar, signal }, options);
      }
      const t0 = performance.now();
      const common = {
        ...trainingOptions,
        ...libraryOptions(o, SENTENCE_FLAGS),
        signal,
        progressInterval: 200,
        onProgress: (p: TrainingProgress) => showProgress(bar, p),
      };
      const subword = chosen === 'fasttext-skipgram' || chosen === 'fasttext-cbow';
      if (subword) for (const key of FASTTEXT_OWN_DEFAULTS) if (cmd.getOptionValueSource(key) === 'default') delete common[key];
      const trainer = subword
        ? new FastText({ ...common, ...libraryOptions(o, SUBWORD_FLAGS), model: chosen === 'fasttext-cbow' ? 'cbow' : 'skipgram' })
        : new Word2Vec({ ...common, model: chosen });
      const { dim, epochs } = trainer.options;
      const model = chosen;
      try {
        const vocab = await trainer.buildVocab(corpus, tokenizer);
        const training = await trainer.train();
        bar.update('save', 1, o.output, true);
        if (trainer instanceof FastText && !o.format && /\.bin$/i.test(o.output)) await trainer.model.save(o.output);
        else {
          const vectors = trainer instanceof FastText ? trainer.model.wv : trainer.wv;
          await saveVectors(vectors, o.output, o.format ? { format: o.format } : {});
        }
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
        trainer.dispose();
      }
    });
}

/** fastText's and GloVe's own flags given for another model are a usage error, not silently ignored. */
function refuseOtherModelsFlags(cmd: Command, model: TrainModel): void {
  const owners = [
    { name: 'fastText', given: givenFlags(cmd, SUBWORD_FLAGS), models: ['fasttext-skipgram', 'fasttext-cbow'] },
    { name: 'GloVe', given: givenFlags(cmd, GLOVE_FLAGS), models: ['glove'] },
    { name: 'Doc2Vec', given: givenFlags(cmd, DOC2VEC_FLAGS), models: ['doc2vec-dbow', 'doc2vec-dm'] },
  ];
  for (const owner of owners) {
    const given = owner.models.includes(model) ? [] : owner.given;
    if (given.length > 0) throw new UsageError(`${given[0]} is a ${owner.name} option; --model ${model} does not use it`);
  }
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
