// Shared helpers of the audio tests: a seeded test signal, the numpy/scipy reference (reference.py)
// and a relative comparison.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference.py');

/** A deterministic test signal: three partials with vibrato, a chirp, seeded noise, a silent gap. */
export function testSignal(sampleRate: number, seconds: number, seed = 1): Float32Array {
  const n = Math.round(sampleRate * seconds);
  const y = new Float32Array(n);
  let state = seed >>> 0 || 1;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f = 220 * (1 + 0.01 * Math.sin(2 * Math.PI * 5 * t));
    let v = 0.4 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(2 * Math.PI * 3 * f * t) + 0.1 * Math.sin(2 * Math.PI * 1234 * t);
    v += 0.15 * Math.sin(2 * Math.PI * (300 * t + 1500 * t * t));
    v += 0.05 * rand();
    if (t > seconds * 0.6 && t < seconds * 0.7) v = 0;
    y[i] = v;
  }
  return y;
}

/** Runs reference.py on `signal` and returns its JSON output. */
export function reference(
  signal: Float32Array,
  sr: number,
  what: string[],
  extra: Record<string, unknown> = {},
): Record<string, number[][] | number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-audio-'));
  try {
    const file = path.join(dir, 'signal.f32');
    fs.writeFileSync(file, Buffer.from(signal.buffer, signal.byteOffset, signal.byteLength));
    const run = spawnSync(PYTHON, [REFERENCE], {
      input: JSON.stringify({ signal: file, sr, what, ...extra }),
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, number[][] | number[]>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Asserts `actual` (row-major) equals `expected` within `rtol` relative, each element compared to
 * max(|expected|, floor·max|expected|) so values near zero do not demand absolute exactness.
 */
export function expectClose(actual: ArrayLike<number>, expected: number[][] | number[], rtol = 1e-4, floor = 1e-3): void {
  const flat = (expected as unknown[]).flat() as number[];
  expect(actual.length).toBe(flat.length);
  let max = 0;
  for (const v of flat) max = Math.max(max, Math.abs(v));
  let worst = 0;
  let where = -1;
  for (let i = 0; i < flat.length; i++) {
    const err = Math.abs(actual[i] - flat[i]) / Math.max(Math.abs(flat[i]), floor * max, 1e-30);
    if (err > worst) {
      worst = err;
      where = i;
    }
  }
  expect(worst, `worst relative error ${worst} at ${where}: ${actual[where]} vs ${flat[where]}`).toBeLessThanOrEqual(rtol);
}
