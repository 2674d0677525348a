/** What to do when a file lists the same word twice: keep the first row (gensim's behaviour) or fail. */
export type DuplicatePolicy = 'keep-first' | 'error';

/** Rows gathered by a {@link VectorCollector}. */
export interface CollectedVectors {
  /** Words in file order (not yet checked for duplicates). */
  words: string[];
  /** `words.length × dim` floats, row-major. */
  vectors: Float32Array;
  dim: number;
}

/**
 * Accumulates parsed rows into one growing Float32Array (no per-row objects).
 * Usage per row: write `dim` floats at `data[offset()…]`, then call `commit(word)`.
 */
export class VectorCollector {
  /** The matrix being filled; replaced when it grows, so re-read it after `offset()`. */
  data: Float32Array;
  private readonly words: string[] = [];
  private capacity: number;

  /**
   * @param dim floats per row
   * @param initialRows rows to allocate up front (the header's count, capped by what the file size allows)
   * @param maxRows rows never exceeded (growth stops there), or `Infinity`
   */
  constructor(
    readonly dim: number,
    initialRows: number,
    private readonly maxRows: number,
  ) {
    this.capacity = Math.max(1, Math.min(initialRows, maxRows));
    this.data = new Float32Array(this.capacity * dim);
  }

  /** Number of rows committed so far. */
  get rows(): number {
    return this.words.length;
  }

  /** Float index where the next row's values go (grows the matrix if needed). */
  offset(): number {
    const row = this.words.length;
    if (row >= this.capacity) {
      const grown = Math.min(Math.max(this.capacity * 2, 1024), this.maxRows);
      const next = new Float32Array(Math.max(grown, row + 1) * this.dim);
      next.set(this.data);
      this.data = next;
      this.capacity = next.length / this.dim;
    }
    return row * this.dim;
  }

  /** Keeps the row just written, under `word`. */
  commit(word: string): void {
    this.words.push(word);
  }

  /**
   * The rows committed. `vectors` is a view of the first rows of the matrix, never a copy: unused
   * capacity at its end was never written, so the operating system has not backed it with memory.
   */
  finish(): CollectedVectors {
    return { words: this.words, vectors: this.data.subarray(0, this.words.length * this.dim), dim: this.dim };
  }
}
