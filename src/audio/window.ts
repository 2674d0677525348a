import { UsageError } from '../errors.js';

/** Window kinds of {@link makeWindow} (scipy.signal.get_window names). */
export type WindowKind = 'hann' | 'hamming' | 'blackman' | 'rectangular';

export const WINDOW_KINDS: readonly WindowKind[] = ['hann', 'hamming', 'blackman', 'rectangular'];

/**
 * A window of `length` samples. `periodic` (default true, librosa's and scipy's `fftbins=True`)
 * is the DFT-even window: the symmetric window of length+1 without its last sample — what STFTs
 * use; false gives the symmetric window of filter design.
 */
export function makeWindow(kind: WindowKind, length: number, periodic = true): Float64Array {
  if (!Number.isSafeInteger(length) || length < 1) throw new UsageError(`window length must be a positive integer, got ${String(length)}`);
  const w = new Float64Array(length);
  if (kind === 'rectangular') return w.fill(1);
  const cosines: Record<Exclude<WindowKind, 'rectangular'>, readonly number[]> = {
    hann: [0.5, 0.5],
    hamming: [0.54, 0.46],
    blackman: [0.42, 0.5, 0.08],
  };
  const a = cosines[kind];
  if (!a) throw new UsageError(`unknown window '${String(kind)}' (known: ${WINDOW_KINDS.join(', ')})`);
  if (length === 1) return w.fill(1);
  const denominator = periodic ? length : length - 1;
  for (let i = 0; i < length; i++) {
    const x = (2 * Math.PI * i) / denominator;
    // General cosine window: a0 − a1 cos x + a2 cos 2x.
    w[i] = a[0] - a[1] * Math.cos(x) + (a.length > 2 ? a[2] * Math.cos(2 * x) : 0);
  }
  return w;
}
