import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { topicTexts } from '../tasks/classify/topics-data.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const MAGIC = Buffer.from([0x89, 0x45, 0x4b, 0x45, 0x4e, 0x43, 0x0d, 0x0a]);
let dir: string;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, EMBEDKIT_KEY_FILE: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const isEncrypted = (file: string) => readFileSync(join(dir, file)).subarray(0, 8).equals(MAGIC);
const lines = (d: { inputs: string[]; labels: string[] }) => d.inputs.map((t, i) => `__label__${d.labels[i]} ${t}`).join('\n') + '\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crypto-cli-'));
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  const corpus = Array.from({ length: 400 }, (_, i) => Array.from({ length: 8 }, (_, j) => words[(i * 3 + j * 5) % 8]).join(' '));
  writeFileSync(join(dir, 'corpus.txt'), `${corpus.join('\n')}\n`);
  writeFileSync(join(dir, 'train.txt'), lines(topicTexts(120, 1)));
  writeFileSync(join(dir, 'wrong.hex'), `${'ab'.repeat(32)}\n`);
  const f = new Float32Array(200 * 8).map((_, i) => Math.sin(i));
  const head = new Int32Array([8]);
  writeFileSync(
    join(dir, 'base.fvecs'),
    Buffer.concat(Array.from({ length: 200 }, (_, r) => Buffer.concat([Buffer.from(head.buffer), Buffer.from(f.buffer, r * 32, 32)]))),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit keygen / encrypt / decrypt and --key-file', () => {
  it('keygen writes a key once; train, similar, convert work with --key-file and fail clearly without it', () => {
    const gen = run(['keygen', '--output', 'k.hex', '--json']);
    expect(gen.err).toBe('');
    expect(gen.code).toBe(0);
    const { keyId } = JSON.parse(gen.out) as { keyId: string };
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(run(['keygen', '--output', 'k.hex']).code).toBe(2);

    const train = run([
      'train',
      '-i',
      'corpus.txt',
      '-o',
      'v.ekv',
      '--dim',
      '8',
      '--min-count',
      '1',
      '--epochs',
      '1',
      '--threads',
      '1',
      '-q',
      '--key-file',
      'k.hex',
      '--json',
    ]);
    expect(train.code, train.err).toBe(0);
    expect(isEncrypted('v.ekv')).toBe(true);
    expect(readFileSync(join(dir, 'v.ekv')).includes('charlie')).toBe(false);

    const similar = run(['--key-file', 'k.hex', 'similar', 'v.ekv', 'alpha', '--json']);
    expect(similar.code, similar.err).toBe(0);
    expect(similar.out).toContain('"word"');
    // the key from the environment
    expect(run(['similar', 'v.ekv', 'alpha', '--json'], { EMBEDKIT_KEY_FILE: join(dir, 'k.hex') }).code).toBe(0);

    const none = run(['similar', 'v.ekv', 'alpha']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^embedkit: error: v\.ekv: is encrypted \(key id [0-9a-f]{16}\) and no key was given/);
    const wrong = run(['similar', 'v.ekv', 'alpha', '--key-file', 'wrong.hex']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`v.ekv: wrong key: the file was encrypted with key id ${keyId}`);
    expect(run(['similar', 'v.ekv', 'alpha', '--key-file', 'missing.hex']).err).toContain('key file missing.hex: not found');

    const convert = run(['convert', 'v.ekv', 'v.vec', '--key-file', 'k.hex']);
    expect(convert.code, convert.err).toBe(0);
    expect(isEncrypted('v.vec')).toBe(true);
    const dec = run(['decrypt', 'v.vec', 'plain.txt', '--key-file', 'k.hex', '--json']);
    expect(dec.code, dec.err).toBe(0);
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).toMatch(/^\d+ 8\n/);
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).toContain('charlie');
  }, 180_000);

  it('encrypt/decrypt round-trip any file; tampering is refused and leaves no output', () => {
    writeFileSync(join(dir, 'notes.txt'), 'the secret plans\n'.repeat(10_000));
    expect(run(['encrypt', 'notes.txt', 'notes.enc']).code).toBe(2); // no key
    const enc = run(['encrypt', 'notes.txt', 'notes.enc', '--key-file', 'k.hex', '--json']);
    expect(enc.code, enc.err).toBe(0);
    expect(JSON.parse(enc.out)).toMatchObject({ input: 'notes.txt', output: 'notes.enc', bytes: 170_000 });
    expect(readFileSync(join(dir, 'notes.enc')).includes('secret')).toBe(false);
    expect(run(['encrypt', 'notes.enc', 'twice.enc', '--key-file', 'k.hex']).err).toContain('notes.enc is already encrypted');
    expect(run(['decrypt', 'notes.txt', 'x.txt', '--key-file', 'k.hex']).err).toContain('notes.txt is not encrypted');
    expect(run(['decrypt', 'notes.enc', 'back.txt', '--key-file', 'k.hex']).code).toBe(0);
    expect(readFileSync(join(dir, 'back.txt'), 'utf8')).toBe(readFileSync(join(dir, 'notes.txt'), 'utf8'));

    const bytes = readFileSync(join(dir, 'notes.enc'));
    bytes[100_000] ^= 0x20;
    writeFileSync(join(dir, 'tampered.enc'), bytes);
    const bad = run(['decrypt', 'tampered.enc', 'tampered.txt', '--key-file', 'k.hex']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^embedkit: error: tampered\.enc: chunk 1 of 3 .* failed authentication/);
    expect(existsSync(join(dir, 'tampered.txt'))).toBe(false);
    writeFileSync(join(dir, 'cut.enc'), readFileSync(join(dir, 'notes.enc')).subarray(0, 72 + 2 * (65536 + 16)));
    expect(run(['decrypt', 'cut.enc', 'cut.txt', '--key-file', 'k.hex']).err).toContain('cut.enc: truncated encrypted file');
  }, 180_000);

  it('index build/search and classify train/test with a key: every file written is encrypted', () => {
    const build = run(['index', 'build', '--input', 'base.fvecs', '--metric', 'l2', '--output', 'i.ekx', '--key-file', 'k.hex', '--json']);
    expect(build.code, build.err).toBe(0);
    expect(isEncrypted('i.ekx')).toBe(true);
    const info = run(['index', 'info', 'i.ekx', '--key-file', 'k.hex', '--json']);
    expect(JSON.parse(info.out)).toMatchObject({ size: 200, dim: 8 });
    expect(run(['index', 'info', 'i.ekx']).err).toContain('i.ekx: is encrypted');

    const train = run([
      'classify',
      'train',
      '--input',
      'train.txt',
      '--output',
      'm.json',
      '--method',
      'logistic',
      '--key-file',
      'k.hex',
      '--json',
    ]);
    expect(train.code, train.err).toBe(0);
    expect(isEncrypted('m.json')).toBe(true);
    expect(readFileSync(join(dir, 'm.json')).includes('logistic')).toBe(false);
    const predict = run(['classify', 'predict', 'm.json', '--text', 'guitar song concert', '--key-file', 'k.hex', '--json']);
    expect(predict.code, predict.err).toBe(0);
    expect(predict.out).toContain('music');
  }, 180_000);
});
