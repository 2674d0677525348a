/**
 * `embedkit classify train|test|predict` end to end on DIR/label/file folders: spoken words made by
 * espeak-ng (scripts/make-audio-set.mjs) through the mfcc-stats encoder, and generated images through
 * the raw-pixels encoder; held-out voices / images are the test sets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/learn/random.js';
import { ROOT } from '../helpers/paths.js';
// @ts-expect-error -- a plain .mjs script without types
import { makeAudioSet } from '../../scripts/make-audio-set.mjs';

const CLI = join(ROOT, 'dist/cli/main.js');
const WORDS = ['yes', 'seven', 'three'];
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A 24×24 PNG of stripes (vertical or horizontal) with seeded noise. */
async function stripes(file: string, vertical: boolean, rng: Random): Promise<void> {
  const size = 24;
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = ((vertical ? x : y) >> 2) % 2 === 0;
      px.fill(Math.max(0, Math.min(255, (on ? 190 : 60) + Math.round(30 * rng.gaussian()))), (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  await sharp(px, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(file);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'classify-folder-cli-'));
  // Audio: 6 voices × 3 words, clean + 1 degraded copy; voices v04 and v05 are held out.
  makeAudioSet(join(dir, 'audio'), { voices: 6, words: WORDS, degraded: 1 });
  for (const w of WORDS) {
    mkdirSync(join(dir, 'audio-test', w), { recursive: true });
    for (const f of readdirSync(join(dir, 'audio', w)))
      if (/^v0[45]-/.test(f)) renameSync(join(dir, 'audio', w, f), join(dir, 'audio-test', w, f));
  }
  const rng = new Random(4);
  for (const [split, count] of [
    ['images', 10],
    ['images-test', 4],
  ] as const)
    for (const label of ['horizontal', 'vertical']) {
      mkdirSync(join(dir, split, label), { recursive: true });
      for (let i = 0; i < count; i++) await stripes(join(dir, split, label, `${i}.png`), label === 'vertical', rng);
    }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit classify on label/file folders', () => {
  it('audio: trains on espeak-ng words with mfcc-stats, tests on unseen voices, predicts a folder', () => {
    expect(readdirSync(join(dir, 'audio', 'yes'))).toHaveLength(8);
    expect(readdirSync(join(dir, 'audio-test', 'yes'))).toHaveLength(4);
    let r = run(
      'classify',
      'train',
      '--input',
      'audio',
      '--folder-modality',
      'audio',
      '--encoder',
      'mfcc-stats',
      '--output',
      'audio.json',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { examples: number; classes: number; features: string; method: string; selection: { by: string } };
    expect(summary).toMatchObject({ examples: 24, classes: 3, features: 'embedding' });
    expect(summary.selection.by).toBe('cross-validation');
    r = run('classify', 'test', 'audio.json', 'audio-test', '--folder-modality', 'audio', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { accuracy: number; confusion: number[][] };
    expect(report.confusion.flat().reduce((a, b) => a + b)).toBe(12);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.75);
    r = run('classify', 'predict', 'audio.json', join('audio-test', 'seven'), '--folder-modality', 'audio', '--k', '2', '--json');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as { predictions: { labels: { label: string }[] }[] };
    expect(p.predictions).toHaveLength(4);
    expect(p.predictions.every((x) => x.labels.length === 2)).toBe(true);
  }, 60_000);

  it('images: mlp on raw-pixels embeddings, test and predict', () => {
    let r = run(
      'classify',
      'train',
      '--input',
      'images',
      '--encoder',
      'raw-pixels',
      '--method',
      'mlp',
      '--output',
      'images.json',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ examples: 20, classes: 2, method: 'mlp' });
    r = run('classify', 'test', 'images.json', 'images-test', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { accuracy: number }).accuracy).toBe(1);
    r = run('classify', 'predict', 'images.json', join('images-test', 'vertical'));
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split('\n')
        .every((l) => l.startsWith('__label__vertical ')),
    ).toBe(true);
    r = run('classify', 'train', '--input', 'images', '--encoder', 'raw-pixels', '--method', 'fasttext', '--output', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fasttext method classifies texts only/);
  }, 60_000);
});
