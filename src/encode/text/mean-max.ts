import type { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { WordPoolingEncoder, type WordPoolingOptions } from './word-pooling.js';

/** The average of the word vectors of a text's known tokens (repeated tokens count each time). */
export class MeanPoolingEncoder extends WordPoolingEncoder {
  readonly method = 'mean' as const;

  constructor(vectors: KeyedVectors, options: WordPoolingOptions = {}) {
    super(vectors, options, 'mean');
  }

  protected pool(rows: Int32Array, out: Float32Array): void {
    const m = this.matrix;
    const dim = this.dimension;
    const acc = new Float64Array(dim);
    for (const r of rows) for (let d = 0, b = r * dim; d < dim; d++) acc[d] += m[b + d];
    for (let d = 0; d < dim; d++) out[d] = acc[d] / rows.length;
  }

  params(): Record<string, unknown> {
    return { preNormalize: this.preNormalize };
  }
}

/** The element-wise maximum of the word vectors of a text's known tokens. */
export class MaxPoolingEncoder extends WordPoolingEncoder {
  readonly method = 'max' as const;

  constructor(vectors: KeyedVectors, options: WordPoolingOptions = {}) {
    super(vectors, options, 'max');
  }

  protected pool(rows: Int32Array, out: Float32Array): void {
    const m = this.matrix;
    const dim = this.dimension;
    out.set(m.subarray(rows[0] * dim, (rows[0] + 1) * dim));
    for (let k = 1; k < rows.length; k++) {
      const b = rows[k] * dim;
      for (let d = 0; d < dim; d++) if (m[b + d] > out[d]) out[d] = m[b + d];
    }
  }

  params(): Record<string, unknown> {
    return { preNormalize: this.preNormalize };
  }
}
