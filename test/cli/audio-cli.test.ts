// `embedkit audio features` and `embedkit embed audio` end to end through the built CLI (`npm test`
// builds first).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vggishLogMel } from '../../src/audio/vggish.js';
import { decodeAudio } from '../../src/audio/decode.js';
import { ROOT } from '../helpers/paths.js';

const DIST = process.env.EMBEDKIT_TEST_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli/main.js');
const CLIP = join(ROOT, 'test/fixtures/models/audio-onnx/clip.wav');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-audio-cli-'));
  mkdirSync(join(dir, 'clips/sub'), { recursive: true });
  copyFileSync(CLIP, join(dir, 'clips/a.wav'));
  copyFileSync(CLIP, join(dir, 'clips/sub/b.wav'));
  writeFileSync(join(dir, 'clips/broken.mp3'), 'ID3 this is not audio');
  writeFileSync(join(dir, 'clips/notes.txt'), 'skipped by extension');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit audio features', () => {
  it('--json prints sampleRate, hop, shape and every frame of the whole file', async () => {
    const r = run('audio', 'features', CLIP, '--features', 'vggish', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { sampleRate: number; hop: number; shape: [number, number]; data: number[][] };
    const want = vggishLogMel((await decodeAudio(CLIP)).samples);
    expect(doc.sampleRate).toBe(16000);
    expect(doc.hop).toBe(160);
    expect(doc.shape).toEqual([want.rows, 64]);
    expect(Float32Array.from(doc.data.flat())).toEqual(want.data);
  });

  it('mfcc and logmel with librosa defaults; plain text without --json', () => {
    const r = run('audio', 'features', CLIP, '-f', 'mfcc', '--json');
    const doc = JSON.parse(r.out) as { sampleRate: number; hop: number; shape: [number, number] };
    // 2.5 s at 22050 Hz, hop 512, centred: 1 + floor(55125 / 512) frames.
    expect([doc.sampleRate, doc.hop, doc.shape]).toEqual([22050, 512, [1 + Math.floor(55125 / 512), 20]]);
    const text = run('audio', 'features', CLIP, '-f', 'logmel', '--n-mels', '40', '--sample-rate', '16000', '-q');
    const lines = text.out.trimEnd().split('\n');
    expect(lines.length).toBe(1 + Math.floor(40000 / 512));
    expect(lines[0].split(' ').length).toBe(40);
  });

  it('bad input: one-line errors and exit codes', () => {
    const missing = run('audio', 'features', 'nope.wav');
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe('embedkit: error: nope.wav: no such file');
    const bad = run('audio', 'features', join(dir, 'clips/notes.txt'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a WAV, FLAC, Ogg or MP3 file/);
    expect(run('audio', 'features', CLIP, '-f', 'vggish', '--sample-rate', '8000').code).toBe(2);
    expect(run('audio', 'features', CLIP, '-f', 'nonsense').code).toBe(2);
  });
});

describe('embedkit embed audio', () => {
  it('embeds a folder with ids relative to it; broken files fail alone', () => {
    const r = run('embed', 'audio', '-e', 'mfcc-stats', '-i', 'clips', '-o', 'out.jsonl', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { inputs: number; embedded: number; failed: number; skipped: string[]; dimension: number };
    expect(summary).toMatchObject({ inputs: 3, embedded: 2, failed: 1, skipped: ['notes.txt'], dimension: 134 });
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; vector?: number[]; error?: string });
    expect(lines.map((l) => l.id)).toEqual(['a.wav', 'broken.mp3', 'sub/b.wav']);
    expect(lines[1].error).toMatch(/broken\.mp3/);
    expect(lines[0].vector).toEqual(lines[2].vector);
  });

  it('vggish-onnx with --model, and usage errors', () => {
    const r = run(
      'embed',
      'audio',
      '-e',
      'vggish-onnx',
      '-m',
      join(ROOT, 'test/fixtures/models/audio-onnx/vggish.onnx'),
      '-i',
      CLIP,
      '-o',
      'v.fvecs',
    );
    expect(r.code).toBe(0);
    expect(run('embed', 'audio', '-e', 'vggish-onnx', '-i', CLIP, '-o', 'v.fvecs').code).toBe(2);
    const wrong = run('embed', 'audio', '-e', 'raw-pixels', '-i', CLIP, '-o', 'x.jsonl');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/embeds image, not audio/);
  });
});
