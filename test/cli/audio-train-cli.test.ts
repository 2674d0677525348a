// `embedkit audio train` and `embed audio --encoder MODEL.ekte` end to end through the built CLI
// (`npm test` builds first), on spoken words made by espeak-ng.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
// @ts-expect-error -- a plain .mjs script without types
import { makeAudioSet } from '../../scripts/make-audio-set.mjs';

const DIST = process.env.EMBEDKIT_TEST_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SMALL = ['--epochs', '3', '--channels', '4,8', '--frames', '32', '--dim', '16', '--batch', '8'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-audio-train-cli-'));
  makeAudioSet(join(dir, 'clips'), { voices: 2, words: ['one', 'two', 'three'], degraded: 1 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit audio train', () => {
  it('trains on DIR/<label>/*.wav, prints a JSON summary, and the model embeds with embed audio --encoder MODEL', () => {
    const r = run('audio', 'train', '--data', 'clips', '--output', 'model.ekte', ...SMALL, '--seed', '5', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(''); // no progress bar when stderr is not a terminal
    const s = JSON.parse(r.out) as { labels: string[]; clips: number; failed: number; epochs: number; dimension: number; output: string };
    expect(s).toMatchObject({ labels: ['one', 'three', 'two'], clips: 12, failed: 0, epochs: 3, dimension: 16, output: 'model.ekte' });
    const e = run('embed', 'audio', '--encoder', 'model.ekte', '--input', 'clips', '--output', 'out.jsonl', '--json');
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out)).toMatchObject({ encoder: 'audio-cnn', inputs: 12, embedded: 12, dimension: 16 });
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);
    const first = JSON.parse(lines[0]) as { id: string; vector: number[] };
    expect(first.id).toMatch(/^one\/v00-m1__/);
    expect(first.vector).toHaveLength(16);
    // The same through the registry name and --model.
    const named = run('embed', 'audio', '--encoder', 'audio-cnn', '--model', 'model.ekte', '--input', 'clips', '--output', 'out2.jsonl');
    expect(named.code, named.err).toBe(0);
    expect(readFileSync(join(dir, 'out2.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
  });

  it('exits 2 on bad usage and 1 on a bad model, with one-line errors', () => {
    const help = run('audio', 'train', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--epochs <n>/);
    expect(run('audio', 'train', '--output', 'x.ekte').code).toBe(2);
    expect(run('audio', 'train', '--data', 'clips', '--output', 'x.ekte', '--epochs', '0').code).toBe(2);
    const missing = run('audio', 'train', '--data', 'nowhere', '--output', 'x.ekte');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nowhere: cannot read the labelled/);
    writeFileSync(join(dir, 'bad.ekte'), 'not a model');
    const bad = run('embed', 'audio', '--encoder', 'bad.ekte', '--input', 'clips', '--output', 'o.jsonl');
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/bad\.ekte: not an embedkit trained-encoder file/);
  });
});
