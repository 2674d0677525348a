import type { Random } from './random.js';

/**
 * An inverted-dropout mask (Srivastava et al. 2014): each unit kept with probability 1 − rate and
 * then scaled by 1 / (1 − rate), so nothing changes at prediction time. Multiply the activations
 * by it in the forward pass and their gradients in the backward pass.
 */
export function dropoutMask(size: number, rate: number, rng: Random): Float32Array {
  const mask = new Float32Array(size);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < size; i++) mask[i] = rng.uniform() < rate ? 0 : keep;
  return mask;
}

/** In place: a[i] *= mask[i]. */
export function applyMask(a: Float32Array, mask: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] *= mask[i];
}
