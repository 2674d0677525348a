import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFvecs, readJsonlVectors, writeFvecs, writeJsonlVectors } from '../../src/io/index.js';
import { analyticGaussianSigma } from '../../src/privacy/dp/gaussian-calibration.js';
import { ROOT } from '../helpers/paths.js';
import { topicTexts } from '../tasks/classify/topics-data.js';

const CLI = join(process.env.EMBEDKIT_TEST_DIST ?? join(ROOT, 'dist'), 'cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const people = ['alice', 'bob', 'carol', 'dave', 'erin'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'privacy-cli-'));
  writeFileSync(join(dir, 'key'), 'a secret key file of more than sixteen bytes\n');
  writeFileSync(join(dir, 'short-key'), 'too short\n');
  writeFileSync(join(dir, 'names.txt'), '# customers\nAlice Smith\n王芳\n');
  writeFileSync(
    join(dir, 'in.txt'),
    [
      'Alice Smith (alice.smith@example.com) called from +44 20 7946 0958.',
      '王芳的手机号是138 0013 8000，身份证11010519491231002X。',
      'Card 4111-1111-1111-1111, IBAN DE89 3704 0044 0532 0130 00, host 10.0.0.7',
      'Release 2.14.1 shipped on 2023-04-05 (order 20230405-1187).',
      'alice.smith@example.com again',
    ].join('\n') + '\n',
  );
  // a training corpus where personal data lives in e-mail addresses only
  const lines: string[] = [];
  for (let i = 0; i < 400; i++)
    lines.push(`the quick brown fox jumps over the lazy dog and writes to ${people[i % 5]}${i}@mail.example.com today`);
  writeFileSync(join(dir, 'corpus.txt'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'docs.jsonl'),
    people.map((p, i) => JSON.stringify({ id: i, text: `the lazy dog wrote to ${p}@mail.example.com about the quick fox` })).join('\n') +
      '\n',
  );
  const data = new Float32Array(300 * 16);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.7) * (i % 5);
  await writeFvecs(join(dir, 'vectors.fvecs'), { data, dim: 16 });
  await writeJsonlVectors(join(dir, 'vectors.jsonl'), { ids: Array.from({ length: 300 }, (_, i) => `doc-${i}`), data, dim: 16 });
  const lbl = (d: { inputs: string[]; labels: string[] }) => d.inputs.map((t, i) => `__label__${d.labels[i]} ${t}`).join('\n') + '\n';
  writeFileSync(join(dir, 'train.txt'), lbl(topicTexts(600, 1)));
  writeFileSync(join(dir, 'test.txt'), lbl(topicTexts(150, 2)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit scrub', () => {
  it('replaces personal data with typed placeholders and reports counts per kind', () => {
    const r = run('scrub', '--input', 'in.txt', '--output', 'out.txt', '--names', 'names.txt', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { lines: number; replaced: number; counts: Record<string, number> };
    expect(s.lines).toBe(5);
    expect(s.counts).toEqual({ email: 2, url: 0, ip: 1, phone: 2, 'credit-card': 1, iban: 1, 'national-id': 1, name: 2 });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8').split('\n')).toEqual([
      '[NAME] ([EMAIL]) called from [PHONE].',
      '[NAME]的手机号是[PHONE]，身份证[NATIONAL_ID]。',
      'Card [CREDIT_CARD], IBAN [IBAN], host [IP]',
      'Release 2.14.1 shipped on 2023-04-05 (order 20230405-1187).',
      '[EMAIL] again',
      '',
    ]);
  });

  it('keyed hashes are stable across runs and equal for equal values', () => {
    const a = run('scrub', '-i', 'in.txt', '-o', 'h1.txt', '--mode', 'hash', '--hash-key', 'key', '--kinds', 'email');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/2 values replaced \(email 2\)/);
    run('scrub', '-i', 'in.txt', '-o', 'h2.txt', '--mode', 'hash', '--hash-key', 'key', '--kinds', 'email');
    const h1 = readFileSync(join(dir, 'h1.txt'), 'utf8');
    expect(h1).toBe(readFileSync(join(dir, 'h2.txt'), 'utf8'));
    const tags = h1.match(/\[EMAIL:[0-9a-f]{12}\]/g) as string[];
    expect(tags).toHaveLength(2);
    expect(tags[0]).toBe(tags[1]);
    expect(h1).toContain('+44 20 7946 0958'); // other kinds left alone
  });

  it('bad usage: one clear line, exit 2; a short key file names the file, exit 1', () => {
    let r = run('scrub', '-i', 'in.txt', '-o', 'x.txt', '--mode', 'hash');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--hash-key/);
    r = run('scrub', '-i', 'in.txt', '-o', 'x.txt', '--kinds', 'email,passport');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/passport/);
    r = run('scrub', '-i', 'in.txt', '-o', 'x.txt', '--mode', 'hash', '--hash-key', 'short-key');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/short-key.*at least 16/);
    expect(() => statSync(join(dir, 'x.txt'))).toThrow();
  });
});

describe('--scrub on train, embed text and search build', () => {
  it('keeps personal data out of trained vectors, embeddings inputs and the search index', () => {
    let r = run(
      'train',
      '-i',
      'corpus.txt',
      '-o',
      'model.vec',
      '--dim',
      '8',
      '--min-count',
      '1',
      '--epochs',
      '1',
      '--seed',
      '1',
      '-q',
      '--scrub',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const vocab = readFileSync(join(dir, 'model.vec'), 'utf8');
    for (const p of people) expect(vocab).not.toContain(p);
    expect(vocab).not.toContain('example');
    expect(vocab).toMatch(/\bfox\b/);

    r = run(
      'embed',
      'text',
      '-e',
      'word-vectors',
      '-O',
      'vectors=model.vec',
      '-i',
      'corpus.txt',
      '-o',
      'e.jsonl',
      '-q',
      '--scrub',
      'email',
    );
    expect(r.code).toBe(0);

    r = run('search', 'build', '-i', 'docs.jsonl', '-o', 'index', '-e', 'word-vectors', '-O', 'vectors=model.vec', '--scrub', '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const stored = readdirSync(join(dir, 'index'))
      .map((f) => readFileSync(join(dir, 'index', f)).toString('latin1'))
      .join('\n');
    expect(stored).toContain('lazy');
    for (const p of people) expect(stored).not.toContain(`${p}@`);

    r = run('train', '-i', 'corpus.txt', '-o', 'm2.vec', '--scrub-names', 'names.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/need --scrub/);
  });
});

describe('embedkit privatize', () => {
  it('releases clipped noisy vectors and prints the accounting', async () => {
    const r = run(
      'privatize',
      'vectors.fvecs',
      '--epsilon',
      '2',
      '--delta',
      '1e-6',
      '--clip',
      '1',
      '-o',
      'noisy.fvecs',
      '--seed',
      '3',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { rows: number; sigma: number; sensitivity: number; achievedDelta: number; calibration: string };
    expect(s.rows).toBe(300);
    expect(s.sensitivity).toBe(2);
    expect(s.calibration).toBe('analytic');
    expect(s.sigma).toBeCloseTo(analyticGaussianSigma(2, 1e-6, 2), 10);
    expect(s.achievedDelta).toBeLessThanOrEqual(1e-6);
    const out = await readFvecs(join(dir, 'noisy.fvecs'));
    expect(out.rows).toBe(300);
    expect(out.dim).toBe(16);
    // classic calibration is refused for ε ≥ 1
    const c = run(
      'privatize',
      'vectors.fvecs',
      '--epsilon',
      '2',
      '--delta',
      '1e-6',
      '--clip',
      '1',
      '-o',
      'c.fvecs',
      '--calibration',
      'classic',
    );
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/epsilon < 1/);
  });
});

describe('embedkit rotate', () => {
  it('rotates with the key (ids kept, distances kept) and --inverse undoes it', async () => {
    let r = run('rotate', 'vectors.jsonl', '--rotation-key', 'key', '-o', 'rot.jsonl', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    r = run('rotate', 'rot.jsonl', '--rotation-key', 'key', '-o', 'back.jsonl', '--inverse');
    expect(r.code).toBe(0);
    const a = await readJsonlVectors(join(dir, 'vectors.jsonl'));
    const rot = await readJsonlVectors(join(dir, 'rot.jsonl'));
    const back = await readJsonlVectors(join(dir, 'back.jsonl'));
    expect(rot.ids).toEqual(a.ids);
    for (let i = 0; i < a.data.length; i++) expect(Math.abs(back.data[i] - a.data[i])).toBeLessThan(1e-4);
    const dist = (m: Float32Array, i: number, j: number) =>
      Math.hypot(...Array.from({ length: 16 }, (_, k) => m[i * 16 + k] - m[j * 16 + k]));
    for (let i = 1; i < 300; i += 37) expect(Math.abs(dist(rot.data, 0, i) - dist(a.data, 0, i))).toBeLessThan(1e-4);
    expect(Math.abs(rot.data[0] - a.data[0]) + Math.abs(rot.data[1] - a.data[1])).toBeGreaterThan(1e-3);
    r = run('rotate', 'vectors.jsonl', '--rotation-key', 'short-key', '-o', 'x.jsonl');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/short-key/);
  });
});

describe('embedkit classify train --dp-epsilon', () => {
  it('trains logistic regression by DP-SGD and reports (ε, δ)', () => {
    let r = run(
      'classify',
      'train',
      '-i',
      'train.txt',
      '-o',
      'dp.json',
      '--method',
      'logistic',
      '--dp-epsilon',
      '4',
      '--seed',
      '1',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as {
      method: string;
      dp: { epsilon: number; delta: number; noiseMultiplier: number; featuresPrivate: boolean };
    };
    expect(s.method).toBe('logistic');
    expect(s.dp.epsilon).toBeLessThanOrEqual(4);
    expect(s.dp.noiseMultiplier).toBeGreaterThan(0);
    expect(s.dp.featuresPrivate).toBe(false);
    r = run('classify', 'test', 'dp.json', 'test.txt', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { accuracy: number }).accuracy).toBeGreaterThan(0.7);
    r = run('classify', 'train', '-i', 'train.txt', '-o', 'x.json', '--dp-epsilon', '4');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--method logistic/);
  });
});
