import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { FileFormatError } from '../../src/errors.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { mulberry32 } from '../../src/math/random.js';

/** A fresh temporary directory; removed by the returned cleanup function. */
export function makeTempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-io-'));
  return {
    dir,
    file: (name: string) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Deterministic PRNG (mulberry32). */
export const rng = mulberry32;

/** Small KeyedVectors with varied magnitudes (incl. -0, tiny and huge values) and optional counts. */
export function makeKv(rows: number, dim: number, seed = 1, options: { words?: string[]; counts?: boolean } = {}): KeyedVectors {
  const random = rng(seed);
  const words = options.words ?? Array.from({ length: rows }, (_, i) => `w${i}`);
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) {
    const scale = 10 ** (Math.floor(random() * 12) - 6);
    vectors[i] = (random() - 0.5) * scale;
  }
  if (vectors.length > 3) {
    vectors[0] = -0;
    vectors[1] = 1.401298464324817e-45; // smallest denormal
    vectors[2] = 3.4028234663852886e38; // largest float32
  }
  const counts = options.counts ? Float64Array.from({ length: rows }, (_, i) => (rows - i) * 1000 + 0.5) : undefined;
  return new KeyedVectors({ words, vectors, dim, counts });
}

/** Bitwise float32 equality (distinguishes -0 from 0; NaN equal to the same NaN bits). */
export function expectSameFloats(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i])
      expect(`index ${i}: ${actual[i]} (0x${a[i].toString(16)})`).toBe(`index ${i}: ${expected[i]} (0x${b[i].toString(16)})`);
  }
}

/** Same words, order and (bitwise) vectors. */
export function expectSameVectors(actual: KeyedVectors, expected: KeyedVectors): void {
  expect(actual.dim).toBe(expected.dim);
  expect([...actual.words]).toEqual([...expected.words]);
  expectSameFloats(actual.vectors, expected.vectors);
}

/** Asserts `action` fails with a FileFormatError whose message names `file` and matches `problem`. */
export async function expectFileError(action: () => unknown, file: string, problem: RegExp): Promise<FileFormatError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a FileFormatError matching ${problem}`).toBeInstanceOf(FileFormatError);
  const error = caught as FileFormatError;
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.message).toMatch(problem);
  return error;
}

/** Debian's Python, which has gensim (the first python3 on PATH may not). */
export const GENSIM_PYTHON = '/usr/bin/python3';

/** Runs a Python script with gensim's interpreter and returns its stdout parsed as JSON. */
export function runPython(script: string, args: string[] = []): unknown {
  const result = spawnSync(GENSIM_PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Lists a directory (to check no temporary files are left behind). */
export function listDir(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}
