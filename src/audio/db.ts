import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';

/** Options of {@link powerToDb}, librosa's names and defaults. */
export interface PowerToDbOptions {
  /** Reference power (0 dB). Default 1. */
  ref?: number;
  /** Floor of the power before the log. Default 1e-10. */
  amin?: number;
  /** Clip to (max − topDb) over the whole matrix; null for no clipping. Default 80. */
  topDb?: number | null;
}

/** librosa.power_to_db: 10·log10(max(amin, S)) − 10·log10(max(amin, ref)), clipped to max − topDb. New matrix. */
export function powerToDb(power: Matrix, options: PowerToDbOptions = {}): Matrix {
  const ref = options.ref ?? 1;
  const amin = options.amin ?? 1e-10;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (!(amin > 0)) throw new UsageError(`amin must be positive, got ${String(amin)}`);
  if (topDb !== null && !(topDb >= 0)) throw new UsageError(`topDb must be non-negative or null, got ${String(topDb)}`);
  const offset = 10 * Math.log10(Math.max(amin, ref));
  const out = new Float32Array(power.data.length);
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) {
    const v = 10 * Math.log10(Math.max(amin, power.data[i])) - offset;
    out[i] = v;
    if (v > max) max = v;
  }
  if (topDb !== null && out.length > 0) {
    const floor = max - topDb;
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  return { rows: power.rows, dim: power.dim, data: out };
}

/** log(S + offset), elementwise (the VGGish/YAMNet log-mel convention). New matrix. */
export function logOffset(power: Matrix, offset: number): Matrix {
  if (!(offset > 0)) throw new UsageError(`log offset must be positive, got ${String(offset)}`);
  const out = new Float32Array(power.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.log(power.data[i] + offset);
  return { rows: power.rows, dim: power.dim, data: out };
}
