import { throwIfAborted, UsageError } from '../errors.js';
import { Corpus, type ReadOptions } from './corpus.js';

/**
 * In-memory text for a {@link LineCorpus}: an array (or any re-iterable collection) of strings, an
 * async iterable, or a function returning a fresh (async) iterable for every pass. A one-shot
 * iterator such as a generator object can be read only once.
 */
export type LineSource = Iterable<string> | AsyncIterable<string> | (() => Iterable<string> | AsyncIterable<string>);

const BATCH = 4096;

function isOneShot(value: object): boolean {
  const it = value as { next?: unknown; [Symbol.iterator]?: () => unknown; [Symbol.asyncIterator]?: () => unknown };
  if (typeof it.next !== 'function') return false;
  return it[Symbol.iterator]?.() === value || it[Symbol.asyncIterator]?.() === value;
}

/**
 * A corpus held in memory (or produced by your own code). Each string is split at `\n` (a `\r`
 * before it is dropped; a final `\n` does not add an empty line), so you may pass lines or whole
 * documents.
 *
 * @example
 * ```ts
 * const corpus = new LineCorpus(['the cat sat', 'on the mat']);
 * for await (const s of corpus.sentences(new Tokenizer())) console.log(s);
 * ```
 */
export class LineCorpus extends Corpus {
  readonly #source: LineSource;
  readonly #oneShot: boolean;
  #used = false;
  #bytesRead = 0;
  #totalBytes: number | undefined | null = null;

  /**
   * @param source - see {@link LineSource}.
   * @throws UsageError if `source` is not iterable, async iterable or a function.
   */
  constructor(source: LineSource) {
    super();
    const ok =
      typeof source === 'function' ||
      (typeof source === 'object' && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source));
    if (!ok || typeof source === 'string') {
      throw new UsageError('LineCorpus: expected an array or iterable of strings, an async iterable, or a function returning one');
    }
    this.#source = source;
    this.#oneShot = typeof source === 'object' && isOneShot(source);
  }

  /** UTF-8 size of all strings when the source is an array; `undefined` otherwise. */
  get totalBytes(): number | undefined {
    if (this.#totalBytes === null) {
      const source = this.#source;
      let total: number | undefined;
      if (Array.isArray(source)) {
        total = 0;
        for (const s of source as unknown[]) if (typeof s === 'string') total += Buffer.byteLength(s);
      }
      this.#totalBytes = total;
    }
    return this.#totalBytes;
  }

  /** UTF-8 bytes of the strings consumed by the most recently started pass. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /**
   * The lines of one pass, in batches.
   * @throws UsageError if an element is not a string, or if a one-shot iterator is read twice.
   */
  async *lineBatches(options: ReadOptions = {}): AsyncGenerator<string[], void, undefined> {
    const signal = options.signal;
    throwIfAborted(signal);
    if (this.#oneShot && this.#used) {
      throw new UsageError(
        'LineCorpus: this source is a one-shot iterator and was already read; pass an array or a function returning a fresh iterable to read it again',
      );
    }
    this.#used = true;
    this.#bytesRead = 0;
    const source = typeof this.#source === 'function' ? this.#source() : this.#source;
    if (typeof source !== 'object' || source === null || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
      throw new UsageError('LineCorpus: the source function must return an iterable or async iterable of strings');
    }
    let batch: string[] = [];
    let index = 0;
    const take = (item: unknown): void => {
      throwIfAborted(signal);
      if (typeof item !== 'string') {
        throw new UsageError(`LineCorpus: element ${index} is ${item === null ? 'null' : typeof item}, expected a string`);
      }
      index++;
      this.#bytesRead += Buffer.byteLength(item);
      pushLines(item, batch);
    };
    if (Symbol.asyncIterator in source) {
      for await (const item of source as AsyncIterable<unknown>) {
        take(item);
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    } else {
      for (const item of source as Iterable<unknown>) {
        take(item);
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** Appends the lines of `text` to `out`: split at `\n`, `\r` dropped, no empty line after a final `\n`. */
function pushLines(text: string, out: string[]): void {
  if (text.indexOf('\n') < 0) {
    out.push(stripCr(text));
    return;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) out.push(stripCr(line));
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}
