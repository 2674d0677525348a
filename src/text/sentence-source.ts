import { Corpus } from './corpus.js';
import { FileCorpus } from './file-corpus.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { Tokenizer } from './tokenizer.js';

/**
 * What trainers read: a corpus that can be iterated once per pass as batches of tokenized
 * sentences. `progress()` (0..1 of the current pass, when known) drives progress bars.
 */
export interface SentenceSource {
  sentenceBatches(signal?: AbortSignal): AsyncIterable<readonly (readonly string[])[]> | Iterable<readonly (readonly string[])[]>;
  progress?(): number;
}

/**
 * Anything a trainer accepts as its corpus: file paths or glob patterns (plain text or .gz, one
 * sentence per line), a {@link Corpus}, sentences already tokenized, or a {@link SentenceSource}.
 * Text is tokenized with the given tokenizer (default: `new Tokenizer()`).
 */
export type TrainingInput = string | readonly string[] | Corpus | SentenceSource | Iterable<readonly string[]>;

/** A SentenceSource over sentences already in memory (arrays of tokens). */
export function sentencesFrom(sentences: Iterable<readonly string[]>, batchSize = 1024): SentenceSource {
  return {
    *sentenceBatches() {
      let batch: (readonly string[])[] = [];
      for (const s of sentences) {
        batch.push(s);
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}

/** A SentenceSource that tokenizes the lines of `corpus` with `tokenizer` on every pass. */
export function tokenizedCorpus(corpus: Corpus, tokenizer: TextTokenizer = new Tokenizer(), maxSentenceLength?: number): SentenceSource {
  return {
    sentenceBatches: (signal) => corpus.sentenceBatches(tokenizer, { signal, maxSentenceLength }),
    progress: () => corpus.progress.fraction ?? NaN,
  };
}

function isSentenceSource(x: unknown): x is SentenceSource {
  return typeof x === 'object' && x !== null && typeof (x as SentenceSource).sentenceBatches === 'function' && !(x instanceof Corpus);
}

/** Resolves any {@link TrainingInput} to a SentenceSource (opening files as needed). */
export async function toSentenceSource(
  input: TrainingInput,
  tokenizer?: TextTokenizer,
  maxSentenceLength?: number,
): Promise<SentenceSource> {
  if (typeof input === 'string') return tokenizedCorpus(await FileCorpus.open(input), tokenizer, maxSentenceLength);
  if (input instanceof Corpus) return tokenizedCorpus(input, tokenizer, maxSentenceLength);
  if (isSentenceSource(input)) return input;
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) {
    return tokenizedCorpus(await FileCorpus.open(input as readonly string[]), tokenizer, maxSentenceLength);
  }
  return sentencesFrom(input as Iterable<readonly string[]>);
}

/** The input as a FileCorpus when it names files (paths, globs, or a FileCorpus), else undefined. */
export async function asFileCorpus(input: TrainingInput): Promise<FileCorpus | undefined> {
  if (input instanceof FileCorpus) return input;
  if (typeof input === 'string') return FileCorpus.open(input);
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string'))
    return FileCorpus.open(input as readonly string[]);
  return undefined;
}
