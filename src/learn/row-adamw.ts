/**
 * AdamW (Kingma & Ba 2015 with the decoupled weight decay of Loshchilov & Hutter 2019) over one
 * parameter matrix of `rows × cols`, able to update only the rows a step touched — the "lazy"
 * Adam of sparse embeddings (TensorFlow's LazyAdam, PyTorch's SparseAdam): a sparse TF-IDF input
 * layer has 10⁵ rows of which a mini-batch touches a few thousand, so a dense update per step would
 * cost 10–100× the gradient itself.
 *
 * Untouched rows keep their moments (as LazyAdam). Their weight decay is not lost: with a constant
 * learning rate the decay of the skipped steps is the factor (1 − lr·wd)^skipped, applied when the
 * row is next touched or by {@link settle}, so the decay is exactly that of dense AdamW.
 */
export class RowAdamW {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** The step up to which each row's decay has been applied. */
  private readonly upTo: Int32Array;
  private t = 0;

  constructor(
    readonly param: Float32Array,
    readonly cols: number,
    readonly learningRate: number,
    readonly weightDecay = 0,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.m = new Float32Array(param.length);
    this.v = new Float32Array(param.length);
    this.upTo = new Int32Array(Math.ceil(param.length / cols));
  }

  /**
   * One step. `grad` holds the gradient rows in the order of `rows` (`rows.length × cols`), or of
   * every row when `rows` is omitted.
   */
  step(grad: Float32Array, rows?: ArrayLike<number>): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps, learningRate: lr, cols, param: p, m, v } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const keep = 1 - lr * this.weightDecay;
    const count = rows ? rows.length : this.upTo.length;
    for (let k = 0; k < count; k++) {
      const r = rows ? rows[k] : k;
      const decay = keep ** (this.t - this.upTo[r]);
      this.upTo[r] = this.t;
      const base = r * cols;
      const g0 = k * cols;
      for (let j = 0; j < cols; j++) {
        const i = base + j;
        const gi = grad[g0 + j];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] = p[i] * decay - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    }
  }

  /** Applies the weight decay the untouched rows still owe; call before reading the parameters. */
  settle(): void {
    const keep = 1 - this.learningRate * this.weightDecay;
    for (let r = 0; r < this.upTo.length; r++) {
      if (this.upTo[r] === this.t) continue;
      const decay = keep ** (this.t - this.upTo[r]);
      this.upTo[r] = this.t;
      for (let i = r * this.cols; i < (r + 1) * this.cols; i++) this.param[i] *= decay;
    }
  }
}
