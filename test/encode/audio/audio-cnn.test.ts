/**
 * The trainable audio CNN on spoken words made by espeak-ng (scripts/make-audio-set.mjs): training
 * from a labelled folder, words told apart for a voice it never heard, bit-for-bit repeatability,
 * the .ekte file (round trip and damaged files) and per-item errors for bad inputs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { AudioCnnEncoder, loadAudioCnn } from '../../../src/encode/audio/audio-cnn.js';
import { MfccStatsEncoder } from '../../../src/encode/audio/mfcc-stats.js';
import { encodeAudioCnn, readAudioCnnFile } from '../../../src/encode/audio/audio-cnn-file.js';
import { trainAudioCnn, type AudioCnnTrainingOptions } from '../../../src/encode/audio/train-audio-cnn.js';
import { loadEncoder } from '../../../src/encode/registry.js';
import { readTrainedEncoderFile } from '../../../src/encode/train/trained-file.js';
import { convNetParameters } from '../../../src/learn/conv-net.js';
// @ts-expect-error -- a plain .mjs script without types
import { makeAudioSet } from '../../../scripts/make-audio-set.mjs';

interface Clip {
  path: string;
  word: string;
  voice: string;
}
const WORDS = ['one', 'seven', 'nine', 'yes'];
/** Small and fast: two conv blocks, 64-frame patches. */
const SMALL: AudioCnnTrainingOptions = { channels: [8, 16], frames: 64, embeddingDim: 32, epochs: 25, batchSize: 16, seed: 3 };
let dir: string;
let clips: Clip[];
let trained: AudioCnnEncoder;
let model: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-audio-cnn-'));
  clips = makeAudioSet(path.join(dir, 'set'), { voices: 4, words: WORDS, degraded: 1 }) as Clip[];
  // The training folder: every voice but the last, as DIR/<word>/<file>.wav, plus a file that is not audio.
  const held = clips[clips.length - 1].voice;
  for (const c of clips.filter((c) => c.voice !== held)) {
    fs.mkdirSync(path.join(dir, 'train', c.word), { recursive: true });
    fs.copyFileSync(c.path, path.join(dir, 'train', c.word, path.basename(c.path)));
  }
  fs.writeFileSync(path.join(dir, 'train', 'yes', 'broken.wav'), 'RIFF....WAVEjunk');
  trained = (await trainAudioCnn(path.join(dir, 'train'), SMALL)).encoder;
  model = path.join(dir, 'model.ekte');
  await trained.save(model);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cosine(a: Float32Array, i: number, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
  return s;
}

describe('audio CNN', () => {
  it('trains on a labelled folder, skipping unreadable clips, and tells words of an unheard voice apart', async () => {
    expect(clips).toHaveLength(32);
    const held = clips[clips.length - 1].voice;
    const { report } = await trainAudioCnn(path.join(dir, 'train'), { ...SMALL, epochs: 1 });
    expect(report.clips).toBe(24);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0].input).toMatch(/broken\.wav$/);
    expect(report.labels).toEqual([...WORDS].sort());
    expect(trained.dimension).toBe(32);
    expect(trained.info.training.trainAccuracy).toBeGreaterThanOrEqual(0.9);
    // 1-NN of the held-out voice's clips among the training voices' clips.
    const out = await trained.embed(clips.map((c) => c.path));
    expect(out.errors).toEqual([]);
    const queries = clips.map((c, i) => [c, i] as const).filter(([c]) => c.voice === held);
    let correct = 0;
    for (const [c, i] of queries) {
      let best = -Infinity;
      let word = '';
      clips.forEach((o, j) => {
        if (o.voice === held) return;
        const s = cosine(out.data, i, j, out.dim);
        if (s > best) [best, word] = [s, o.word];
      });
      if (word === c.word) correct++;
    }
    expect(queries).toHaveLength(8);
    expect(correct / queries.length).toBeGreaterThanOrEqual(0.75);
  });

  it('is bit-for-bit repeatable for a seed (one thread)', async () => {
    const data = {
      inputs: clips.slice(0, 16).map((c) => c.path),
      labels: clips.slice(0, 16).map((c) => WORDS.indexOf(c.word)),
      labelNames: WORDS,
    };
    const a = await trainAudioCnn(data, { ...SMALL, epochs: 2 });
    const b = await trainAudioCnn(data, { ...SMALL, epochs: 2 });
    const c = await trainAudioCnn(data, { ...SMALL, epochs: 2, seed: 4 });
    const bytes = (e: AudioCnnEncoder) =>
      Buffer.concat(convNetParameters(e.net).map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
    expect(bytes(a.encoder).equals(bytes(b.encoder))).toBe(true);
    expect(bytes(a.encoder).equals(bytes(c.encoder))).toBe(false);
    expect(a.report.losses).toEqual(b.report.losses);
  });

  it('saves to one .ekte file and loads back (by path and from the registry) with the same embeddings', async () => {
    const back = await loadAudioCnn(model);
    const viaRegistry = await loadEncoder('audio-cnn', { path: model });
    expect(viaRegistry.dimension).toBe(32);
    const inputs = [clips[0].path, fs.readFileSync(clips[1].path)];
    const want = await trained.embed(inputs);
    expect((await back.embed(inputs)).data).toEqual(want.data);
    expect((await viaRegistry.embed(inputs)).data).toEqual(want.data);
    expect(back.labels).toEqual([...WORDS].sort());
    expect(encodeAudioCnn(back.info, back.net).equals(fs.readFileSync(model))).toBe(true);
    await expect(loadEncoder('audio-cnn', {})).rejects.toThrow(/needs the option 'path'/);
  });

  it('refuses damaged files with a FileFormatError naming the file', async () => {
    const bytes = fs.readFileSync(model);
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(0), /empty file/],
      ['magic', Buffer.from('PK\x03\x04 not a model at all, no'), /bad magic/],
      ['truncated', bytes.subarray(0, bytes.length - 77), /truncated: \d+ bytes, expected \d+/],
      ['flipped', Buffer.from(bytes).fill(1, bytes.length - 90, bytes.length - 89), /checksum mismatch/],
    ];
    for (const [name, data, message] of cases) {
      const file = path.join(dir, `bad-${name}.ekte`);
      fs.writeFileSync(file, data);
      const error = await readAudioCnnFile(file).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(FileFormatError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.startsWith(file)).toBe(true);
    }
    // An audio CNN is not an image head, and the other way round.
    await expect(readTrainedEncoderFile(model)).rejects.toThrow(/is an audio CNN/);
  });

  it('gives the same rows on worker threads (threads 1, 2) as on the calling thread (threads 0)', async () => {
    const inputs = clips.slice(0, 10).map((c) => c.path);
    const rows = [];
    for (const threads of [0, 1, 2]) {
      const encoder = await loadAudioCnn(model, { threads });
      rows.push((await encoder.embed(inputs, { batchSize: 5 })).data);
      await encoder.dispose();
    }
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[2]).toEqual(rows[0]);
    const mfcc = [0, 2].map((threads) => new MfccStatsEncoder({ threads }));
    const [a, b] = await Promise.all(mfcc.map((e) => e.embed(inputs)));
    expect(b.data).toEqual(a.data);
    await Promise.all(mfcc.map((e) => e.dispose()));
  });

  it('fails bad items one by one and embeds the rest', async () => {
    const corrupt = path.join(dir, 'corrupt.wav');
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(8)]));
    const truncated = path.join(dir, 'truncated.wav');
    const whole = fs.readFileSync(clips[0].path);
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6))); // cut in the word: read as far as it goes
    const inputs = [
      clips[0].path,
      corrupt,
      path.join(dir, 'missing.wav'),
      { samples: new Float32Array(16000), sampleRate: 16000 }, // silence
      { samples: new Float32Array(0), sampleRate: 16000 }, // empty
      { samples: Float32Array.from({ length: 800 }, (_, i) => Math.sin(i)), sampleRate: 5_000_000 }, // absurd rate
      { samples: Float32Array.from({ length: 200 }, (_, i) => Math.sin(i)), sampleRate: 16000 }, // shorter than one frame
      { samples: Float32Array.from({ length: 8000 }, (_, i) => (Math.sin(i / 3) > 0 ? 1 : -1)), sampleRate: 8000 }, // clipping
      truncated,
    ];
    const out = await trained.embed(inputs);
    expect(out.errors.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.errors[0].message).toContain(corrupt);
    expect(out.errors[1].message).toMatch(/no such file/);
    expect(out.errors[2].message).toMatch(/silent/);
    expect(out.errors[4].message).toMatch(/sample rate/);
    expect(out.errors[5].message).toMatch(/<samples>: shorter than one 25 ms frame/);
    for (const i of [0, 7, 8]) expect(cosine(out.data, i, i, out.dim)).toBeCloseTo(1, 5);
  });
});
