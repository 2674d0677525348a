import { throwIfAborted, UsageError } from '../errors.js';
import type { TextTokenizer } from './text-tokenizer.js';

/** Options for one pass over a {@link Corpus}. */
export interface ReadOptions {
  /** Stops the pass: the iteration rejects with `signal.reason` (an `AbortError` DOMException for a plain `abort()`). */
  readonly signal?: AbortSignal;
}

/** Options of {@link Corpus.sentences} and {@link Corpus.sentenceBatches}. */
export interface SentenceOptions extends ReadOptions {
  /**
   * Longer sentences are split into consecutive pieces of at most this many tokens, as gensim does
   * (its MAX_WORDS_IN_BATCH). Default `10000`.
   */
  readonly maxSentenceLength?: number;
}

/** Default of {@link SentenceOptions.maxSentenceLength}. */
export const DEFAULT_MAX_SENTENCE_LENGTH = 10_000;

/** How far a pass over a corpus has got, in bytes of the input. */
export interface CorpusProgress {
  /** Bytes of input consumed by the current (or last) pass. For gzip files, compressed bytes. */
  readonly bytesRead: number;
  /** Bytes of the whole input, or `undefined` when unknown (e.g. a one-shot iterable). */
  readonly totalBytes: number | undefined;
  /** `bytesRead / totalBytes` clamped to [0, 1], or `undefined` when the total is unknown. */
  readonly fraction: number | undefined;
}

/**
 * A source of text lines that can be read any number of times (once per training epoch).
 * Every call of {@link Corpus.lines} (or its batch and sentence variants) starts a new pass
 * from the beginning. See {@link FileCorpus} for files and {@link LineCorpus} for in-memory text.
 */
export abstract class Corpus {
  /**
   * The lines of one full pass, in batches (arrays of consecutive lines), which is cheaper than
   * one `await` per line. Empty lines are included.
   */
  abstract lineBatches(options?: ReadOptions): AsyncIterable<string[]>;

  /** Total size of the input in bytes (compressed size for gzip files), or `undefined` when unknown. */
  abstract get totalBytes(): number | undefined;

  /**
   * Input bytes consumed so far by the most recently started pass (see {@link CorpusProgress}).
   * Poll it between batches to show a percentage or an ETA.
   */
  abstract get bytesRead(): number;

  /** {@link Corpus.bytesRead} and {@link Corpus.totalBytes} together, with the fraction done. */
  get progress(): CorpusProgress {
    const bytesRead = this.bytesRead;
    const totalBytes = this.totalBytes;
    let fraction: number | undefined;
    if (totalBytes !== undefined) fraction = totalBytes === 0 ? 1 : Math.min(1, Math.max(0, bytesRead / totalBytes));
    return { bytesRead, totalBytes, fraction };
  }

  /** The lines of one full pass, one at a time (empty lines included, line terminators removed). */
  async *lines(options: ReadOptions = {}): AsyncGenerator<string, void, undefined> {
    const signal = options.signal;
    for await (const batch of this.lineBatches(options)) {
      for (const line of batch) {
        throwIfAborted(signal);
        yield line;
      }
    }
  }

  /**
   * Tokenized lines of one full pass, in batches. Lines without tokens are skipped; longer ones are
   * split into pieces of at most `maxSentenceLength` tokens.
   * @throws UsageError for a bad `maxSentenceLength`.
   */
  async *sentenceBatches(tokenizer: TextTokenizer, options: SentenceOptions = {}): AsyncGenerator<string[][], void, undefined> {
    const max = checkMaxSentenceLength(options.maxSentenceLength);
    for await (const batch of this.lineBatches(options)) {
      const sentences: string[][] = [];
      for (const line of batch) {
        const tokens = tokenizer.tokenize(line);
        if (tokens.length === 0) continue;
        if (tokens.length <= max) sentences.push(tokens);
        else for (let i = 0; i < tokens.length; i += max) sentences.push(tokens.slice(i, i + max));
      }
      if (sentences.length > 0) yield sentences;
    }
  }

  /**
   * Tokenized lines of one full pass, one sentence (token array) at a time, like gensim's
   * `LineSentence`: lines without tokens are skipped, longer ones are split into pieces of at most
   * `maxSentenceLength` (default 10000) tokens.
   * @throws UsageError for a bad `maxSentenceLength`.
   */
  async *sentences(tokenizer: TextTokenizer, options: SentenceOptions = {}): AsyncGenerator<string[], void, undefined> {
    const signal = options.signal;
    for await (const batch of this.sentenceBatches(tokenizer, options)) {
      for (const sentence of batch) {
        throwIfAborted(signal);
        yield sentence;
      }
    }
  }
}

function checkMaxSentenceLength(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_SENTENCE_LENGTH;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`maxSentenceLength: expected a positive integer, got ${String(value)}`);
  }
  return value;
}
