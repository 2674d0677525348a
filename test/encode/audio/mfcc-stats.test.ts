/**
 * The `mfcc-stats` encoder on spoken words made by espeak-ng (scripts/make-audio-set.mjs): words
 * told apart across voices, per-item errors for bad inputs while the batch goes on, determinism.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfccStatsEncoder } from '../../../src/encode/audio/mfcc-stats.js';
import { listEncoders, loadEncoder } from '../../../src/encode/registry.js';
// @ts-expect-error -- a plain .mjs script without types
import { makeAudioSet } from '../../../scripts/make-audio-set.mjs';

interface Clip {
  path: string;
  word: string;
  voice: string;
}
let dir: string;
let clips: Clip[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-mfcc-stats-'));
  clips = makeAudioSet(dir, { voices: 4, words: ['one', 'seven', 'nine', 'yes'], degraded: 1 }) as Clip[];
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mfcc-stats', () => {
  it('is registered as an audio encoder of the stated dimension', async () => {
    const info = listEncoders({ modality: 'audio' }).find((e) => e.name === 'mfcc-stats');
    expect(info?.available).toBe(true);
    const encoder = await loadEncoder('mfcc-stats');
    expect(encoder.modality).toBe('audio');
    expect(encoder.dimension).toBe(info?.dimension);
    expect((await loadEncoder('mfcc-stats', { segments: 2 })).dimension).toBe(134 - 2 * 19);
    await expect(loadEncoder('mfcc-stats', { bogus: 1 })).rejects.toThrow(/unknown option 'bogus'/);
  });

  it('tells spoken words apart across voices (leave-one-voice-out 1-NN)', async () => {
    expect(clips.length).toBe(32);
    const encoder = new MfccStatsEncoder();
    const out = await encoder.embed(clips.map((c) => c.path));
    expect(out.errors).toEqual([]);
    let correct = 0;
    for (let i = 0; i < clips.length; i++) {
      let best = -Infinity;
      let word = '';
      for (let j = 0; j < clips.length; j++) {
        if (clips[j].voice === clips[i].voice) continue;
        let s = 0;
        for (let d = 0; d < out.dim; d++) s += out.data[i * out.dim + d] * out.data[j * out.dim + d];
        if (s > best) [best, word] = [s, clips[j].word];
      }
      if (word === clips[i].word) correct++;
    }
    expect(correct / clips.length).toBeGreaterThanOrEqual(0.9);
    // Deterministic, and the same from bytes or decoded samples as from the path.
    const again = await encoder.embed([clips[0].path, fs.readFileSync(clips[0].path)]);
    expect(again.data.subarray(0, out.dim)).toEqual(out.data.subarray(0, out.dim));
    expect(again.data.subarray(out.dim)).toEqual(out.data.subarray(0, out.dim));
  });

  it('fails bad items one by one and embeds the rest', async () => {
    const corrupt = path.join(dir, 'corrupt.wav');
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(8)]));
    const silent = { samples: new Float32Array(16000), sampleRate: 16000 };
    const clipped = { samples: Float32Array.from({ length: 8000 }, (_, i) => (Math.sin(i / 3) > 0 ? 1 : -1)), sampleRate: 8000 };
    const inputs = [
      clips[0].path,
      corrupt,
      path.join(dir, 'missing.wav'),
      silent,
      clipped,
      { samples: new Float32Array(0), sampleRate: 16000 },
    ];
    const out = await new MfccStatsEncoder().embed(inputs);
    expect(out.errors.map((e) => e.index)).toEqual([1, 2, 3, 5]);
    expect(out.errors[0].message).toContain(corrupt);
    expect(out.errors[1].message).toMatch(/no such file/);
    expect(out.errors[2].message).toMatch(/silent/);
    expect(out.errors[3].message).toMatch(/no audio samples/);
    const norm = (i: number) => Math.hypot(...out.data.subarray(i * out.dim, (i + 1) * out.dim));
    expect(norm(0)).toBeCloseTo(1, 5);
    expect(norm(4)).toBeCloseTo(1, 5);
    expect(norm(1)).toBe(0);
  });
});
