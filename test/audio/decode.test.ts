/**
 * Decoding (WAV written by scipy and sox; FLAC, Ogg Vorbis and MP3 encoded by sox), down-mixing,
 * resampling against scipy.signal.resample_poly, and bad input.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, openAudio } from '../../src/audio/decode.js';
import { resample, Resampler } from '../../src/audio/resample.js';
import { FileFormatError } from '../../src/errors.js';
import { expectClose, PYTHON, reference, testSignal } from './helpers.js';

const SR = 16000;
const y = testSignal(SR, 0.8, 3);
let dir: string;

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-decode-'));
  const raw = path.join(dir, 'y.f32');
  fs.writeFileSync(raw, Buffer.from(y.buffer));
  // Stereo files: left = y, right = 0.5·y, so the down-mix is 0.75·y.
  run(PYTHON, [
    '-c',
    `
import numpy as np, scipy.io.wavfile as w, sys
d = sys.argv[1]
y = np.fromfile(d + '/y.f32', dtype='<f4')
st = np.stack([y, 0.5 * y], axis=1)
w.write(d + '/f32.wav', ${SR}, st.astype(np.float32))
w.write(d + '/f64.wav', ${SR}, y.astype(np.float64))
w.write(d + '/i16.wav', ${SR}, np.round(st * 32767).astype(np.int16))
w.write(d + '/i32.wav', ${SR}, np.round(st * 2147483647).astype(np.int32))
w.write(d + '/u8.wav', ${SR}, np.round(y * 127 + 128).astype(np.uint8))
`,
    dir,
  ]);
  run('sox', ['-t', 'f32', '-r', String(SR), '-c', '1', raw, '-b', '24', path.join(dir, 'i24.wav')]);
  run('sox', ['-t', 'f32', '-r', String(SR), '-c', '1', raw, '-b', '16', path.join(dir, 'y.flac')]);
  run('sox', ['-t', 'f32', '-r', String(SR), '-c', '1', raw, '-C', '8', path.join(dir, 'y.ogg')]);
  run('sox', ['-t', 'f32', '-r', String(SR), '-c', '1', raw, '-C', '192', path.join(dir, 'y.mp3')]);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function correlation(a: Float32Array, b: Float32Array, lag = 0): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < b.length; i++) {
    const u = a[i + lag] ?? 0;
    ab += u * b[i];
    aa += u * u;
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

describe('WAV', () => {
  it.each([
    ['f32.wav', 0.75, 1e-6],
    ['f64.wav', 1, 1e-6],
    ['i16.wav', 0.75, 1e-4],
    ['i32.wav', 0.75, 1e-6],
    ['i24.wav', 1, 1e-5],
    ['u8.wav', 1, 1e-2],
  ])('%s decodes and down-mixes (scale %d)', async (name, scale, tol) => {
    const a = await decodeAudio(path.join(dir, name));
    expect(a.format).toBe('wav');
    expect(a.sampleRate).toBe(SR);
    expect(a.samples.length).toBe(y.length);
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(a.samples[i] - scale * y[i]));
    expect(worst).toBeLessThan(tol);
  });

  it('streams in small pieces with the same result, and stops at maxSeconds', async () => {
    const whole = await decodeAudio(path.join(dir, 'i16.wav'), { sampleRate: 22050 });
    const src = await openAudio(path.join(dir, 'i16.wav'), { sampleRate: 22050, chunkBytes: 4096 });
    const parts: number[] = [];
    let pieces = 0;
    for await (const c of src.chunks()) {
      parts.push(...c);
      pieces++;
    }
    expect(pieces).toBeGreaterThan(5);
    expect(Float32Array.from(parts)).toEqual(whole.samples);
    const cut = await decodeAudio(path.join(dir, 'i16.wav'), { maxSeconds: 0.25 });
    expect(cut.truncated).toBe(true);
    expect(cut.samples.length).toBe(4000);
  });
});

describe('compressed formats (audio-decode)', () => {
  it.each([
    ['y.flac', 'flac', 0.999],
    ['y.ogg', 'ogg', 0.95],
    ['y.mp3', 'mp3', 0.95],
  ])('%s decodes to the signal', async (name, format, minCorrelation) => {
    const a = await decodeAudio(path.join(dir, name));
    expect(a.format).toBe(format);
    expect(a.sampleRate).toBe(SR);
    expect(Math.abs(a.samples.length - y.length)).toBeLessThan(2400);
    // MP3 adds an encoder delay: take the best lag.
    let best = -1;
    for (let lag = 0; lag < 2400; lag++) best = Math.max(best, correlation(a.samples, y.subarray(0, y.length - 2400), lag));
    expect(best).toBeGreaterThan(minCorrelation);
  });
});

describe('resampling = scipy.signal.resample_poly', () => {
  const x = testSignal(22050, 0.3, 5);
  const ratios: [number, number][] = [
    [160, 441],
    [2, 1],
    [1, 3],
  ];
  const ref = reference(x, 22050, ['resample'], { ratios });
  it.each(ratios)('up %i down %i, whole and in chunks', (up, down) => {
    const from = 22050;
    const to = (from * up) / down;
    const whole = resample(x, from, to);
    expectClose(whole, ref[`resample_${up}_${down}`], 1e-4, 1e-3);
    const r = new Resampler(from, to);
    const parts: number[] = [];
    for (let i = 0; i < x.length; i += 1000) parts.push(...r.push(x.subarray(i, i + 1000)));
    parts.push(...r.end());
    expect(Float32Array.from(parts)).toEqual(whole);
  });
});

describe('bad input', () => {
  const write = (name: string, bytes: Uint8Array | string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const header = (channels: number, rate: number, bits: number, dataBytes: number): Buffer => {
    const b = Buffer.alloc(44);
    b.write('RIFF', 0);
    b.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
    b.write('WAVEfmt ', 8);
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(1, 20);
    b.writeUInt16LE(channels, 22);
    b.writeUInt32LE(rate, 24);
    b.writeUInt32LE(((rate * channels * bits) / 8) % 2 ** 32, 28);
    b.writeUInt16LE(((channels * bits) / 8) & 0xffff, 32);
    b.writeUInt16LE(bits, 34);
    b.write('data', 36);
    b.writeUInt32LE(dataBytes, 40);
    return b;
  };

  it('names the file and the problem', async () => {
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['empty.wav', '', /empty file/],
      ['text.wav', 'hello, not audio at all', /not a WAV, FLAC, Ogg or MP3/],
      ['nodata.wav', header(1, 16000, 16, 0).subarray(0, 36), /no data chunk/],
      ['zero.wav', header(1, 16000, 16, 0), /no audio samples/],
      ['channels.wav', header(65535, 16000, 16, 100), /65535 channels/],
      ['rate.wav', Buffer.concat([header(1, 5, 16, 4), Buffer.alloc(4)]), /sample rate of 5 Hz/],
      ['bits.wav', header(1, 16000, 12, 4), /sample size of 12 bits/],
      ['corrupt.flac', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(300, 7)]), /corrupt|no audio samples/],
      ['corrupt.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.alloc(3000, 0x55)]), /corrupt|no audio samples/],
    ];
    for (const [name, bytes, problem] of cases) {
      const file = write(name, bytes);
      const error = await decodeAudio(file).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(FileFormatError);
      expect((error as Error).message, name).toContain(file);
      expect((error as Error).message, name).toMatch(problem);
    }
    await expect(decodeAudio(path.join(dir, 'missing.wav'))).rejects.toThrow(/no such file/);
  });

  it('a truncated WAV gives the frames present; a header claiming hours allocates nothing more', async () => {
    const full = fs.readFileSync(path.join(dir, 'i16.wav'));
    const file = write('truncated.wav', full.subarray(0, 44 + 1001));
    const a = await decodeAudio(file);
    expect(a.samples.length).toBe(250);
    const claim = Buffer.concat([header(2, 48000, 16, 0xfffffff0), Buffer.alloc(400)]);
    const b = await decodeAudio(write('claims-hours.wav', claim));
    expect(b.samples.length).toBe(100);
  });
});
