/** Activation of a hidden layer. */
export type HiddenActivation = 'relu' | 'gelu';

export const HIDDEN_ACTIVATIONS: readonly HiddenActivation[] = ['relu', 'gelu'];

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/**
 * act(pre) into a new array. GELU is the tanh approximation of Hendrycks & Gimpel 2016,
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (what BERT/GPT-2 use).
 */
export function activate(pre: Float32Array, activation: HiddenActivation): Float32Array {
  const out = new Float32Array(pre.length);
  if (activation === 'relu') for (let i = 0; i < pre.length; i++) out[i] = pre[i] > 0 ? pre[i] : 0;
  else
    for (let i = 0; i < pre.length; i++) {
      const x = pre[i];
      out[i] = 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
    }
  return out;
}

/** In place: g ← g · act'(pre) (the gradient with respect to the pre-activation). */
export function activationBackward(pre: Float32Array, g: Float32Array, activation: HiddenActivation): void {
  if (activation === 'relu') {
    for (let i = 0; i < g.length; i++) if (!(pre[i] > 0)) g[i] = 0;
    return;
  }
  for (let i = 0; i < g.length; i++) {
    const x = pre[i];
    const t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
    // d/dx of 0.5·x·(1 + t) = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)
    g[i] *= 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
  }
}
