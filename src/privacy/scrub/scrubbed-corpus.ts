import { Corpus, type ReadOptions } from '../../text/corpus.js';
import type { Scrubber } from './scrubber.js';

/**
 * A corpus whose lines pass through a {@link Scrubber} on every pass: what `--scrub` puts between
 * the training files and the tokenizer. (The vocabulary scan then runs on the calling thread, as
 * for any corpus that is not a plain FileCorpus.)
 */
export class ScrubbedCorpus extends Corpus {
  constructor(
    private readonly inner: Corpus,
    readonly scrubber: Scrubber,
  ) {
    super();
  }

  get totalBytes(): number | undefined {
    return this.inner.totalBytes;
  }

  get bytesRead(): number {
    return this.inner.bytesRead;
  }

  async *lineBatches(options: ReadOptions = {}): AsyncGenerator<string[], void, undefined> {
    for await (const batch of this.inner.lineBatches(options)) yield batch.map((line) => this.scrubber.scrub(line));
  }
}
