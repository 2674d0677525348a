import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFvecs } from '../../src/io/index.js';
import { loadVectors } from '../../src/vectors/load.js';
import { ROOT } from '../helpers/paths.js';

// End to end through the built CLI (`npm test` builds first). EMBEDKIT_TEST_DIST points the test at
// another build (e.g. `tsc -p tsconfig.build.json --outDir …`).
const DIST = process.env.EMBEDKIT_TEST_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, EMBEDKIT_CACHE: join(dir, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Line {
  id: string | number;
  vector?: number[];
  error?: string;
}
const jsonl = (file: string): Line[] =>
  readFileSync(join(dir, file), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b));

/** A small RGB image with a pattern: `kind` 0 = horizontal stripes, 1 = checkerboard, 2 = radial blob. */
function pattern(kind: number, w: number, h: number): Buffer {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const on =
        kind === 0 ? (y >> 3) % 2 === 0 : kind === 1 ? ((x >> 3) + (y >> 3)) % 2 === 0 : (x - w / 2) ** 2 + (y - h / 2) ** 2 < (w / 3) ** 2;
      const o = (y * w + x) * 3;
      px[o] = on ? 230 : 20;
      px[o + 1] = kind === 2 ? 40 : on ? 200 : 60;
      px[o + 2] = kind === 1 ? 220 : 30;
    }
  }
  return px;
}

const TEXT = ['the king and the queen', 'a dog barked at the cat', '', 'qzxv blorft', 'kings and queens ruled the land'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-embed-cli-'));
  writeFileSync(join(dir, 'lines.txt'), `${TEXT.join('\r\n')}\r\n`);
  writeFileSync(join(dir, 'ids.txt'), 'k\nd\ne\no\nq\n');
  const imgs = join(dir, 'imgs');
  mkdirSync(join(imgs, 'sub'), { recursive: true });
  mkdirSync(join(imgs, '.hidden'));
  const raw = (kind: number, w: number, h: number) => sharp(pattern(kind, w, h), { raw: { width: w, height: h, channels: 3 } });
  await raw(0, 64, 48).png().toFile(join(imgs, 'stripes.png'));
  await raw(0, 64, 48)
    .png()
    .toFile(join(imgs, 'sub', 'stripes-copy.PNG'));
  await raw(1, 40, 40)
    .jpeg({ quality: 95 })
    .toFile(join(imgs, 'sub', 'checks.jpg'));
  await raw(2, 50, 50).webp().toFile(join(imgs, 'blob.webp'));
  writeFileSync(join(imgs, 'sub', 'corrupt.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]));
  writeFileSync(join(imgs, 'empty.png'), '');
  writeFileSync(join(imgs, 'notes.txt'), 'not an image\n');
  writeFileSync(join(imgs, '.hidden', 'x.png'), '');
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'a.jpg'), 'not a jpeg');
  writeFileSync(join(dir, 'bad', 'b.png'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit encoders', () => {
  it('lists the encoders with modality, dimension and availability (--json and table)', () => {
    const r = run('encoders', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { name: string; modality: string; dimension: number; available: boolean; requires: string[] }[];
    const byName = new Map(list.map((e) => [e.name, e]));
    expect(byName.get('mobilenet-v2')).toMatchObject({ modality: 'image', dimension: 1792, available: true });
    expect(byName.get('inception-v3')).toMatchObject({ modality: 'image', dimension: 2048, available: true });
    expect(byName.get('glove-100-mean')).toMatchObject({ modality: 'text', dimension: 100, available: true });
    expect(byName.get('glove-100-sif')).toMatchObject({ modality: 'text', dimension: 100, available: true });
    const table = run('encoders', '--modality', 'image');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^name\s+modality\s+dim\s+available\s+description$/);
    expect(table.out).toMatch(/\nmobilenet-v2\s+image\s+1792\s+yes\s+/);
    expect(table.out).not.toContain('glove-100-mean');
  });

  it('loading the registry and listing imports none of the heavy optional packages', () => {
    // A module.register resolve hook reports every module resolved while the registry is imported and listed.
    const hook = `let port; export function initialize(d) { port = d.port; }
      export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }`;
    const script = `import { register } from 'node:module'; import { MessageChannel } from 'node:worker_threads';
      const { port1, port2 } = new MessageChannel(); const seen = []; port1.on('message', (u) => seen.push(u));
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
      const m = await import(${JSON.stringify(pathToFileURL(join(DIST, 'encode/registry.js')).href)});
      const n = m.listEncoders().length;
      setTimeout(() => { port1.close(); console.log(JSON.stringify({ n, seen })); }, 200);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const { n, seen } = JSON.parse(r.stdout) as { n: number; seen: string[] };
    expect(n).toBeGreaterThan(8);
    expect(seen.some((u) => u.endsWith('/encode/registry.js'))).toBe(true);
    const heavy = seen.filter((u) =>
      /node_modules\/(sharp|@tensorflow|nsfwjs|onnxruntime|@huggingface|@vladmandic|wink-embeddings)/.test(u),
    );
    expect(heavy).toEqual([]);
  });
});

describe('embedkit embed text', () => {
  it('writes one JSONL line per input line: id = 0-based line number, "error" for lines that failed', () => {
    const r = run(
      'embed',
      'text',
      '--encoder',
      'glove-100-mean',
      '-O',
      'limit=20000',
      '--input',
      'lines.txt',
      '--output',
      'lines.jsonl',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({
      encoder: 'glove-100-mean',
      inputs: 5,
      embedded: 3,
      failed: 2,
      dimension: 100,
      output: 'lines.jsonl',
      format: 'jsonl',
      rows: 5,
    });
    expect(s.seconds).toBeGreaterThan(0);
    expect(s.errors.map((e: { id: number }) => e.id)).toEqual([2, 3]);
    const lines = jsonl('lines.jsonl');
    expect(lines.map((l) => l.id)).toEqual([0, 1, 2, 3, 4]);
    expect(lines[2]).toEqual({ id: 2, error: s.errors[0].error });
    expect(lines[3].error).toMatch(/out of vocabulary/);
    for (const i of [0, 1, 4]) {
      expect(lines[i].vector).toHaveLength(100);
      expect(norm(lines[i].vector!)).toBeCloseTo(1, 5);
    }
    // royalty lines are closer to each other than to the dog line
    expect(cosine(lines[0].vector!, lines[4].vector!)).toBeGreaterThan(cosine(lines[0].vector!, lines[1].vector!));
  });

  it('writes .ekv (ids from --ids as keys) and .fvecs (+ .ids) with the same rows; --no-normalize keeps raw means', async () => {
    const base = ['embed', 'text', '-e', 'glove-100-mean', '-O', 'limit=20000', '-i', 'lines.txt', '--quiet'];
    const ekv = run(...base, '-o', 'lines.ekv', '--ids', 'ids.txt');
    expect(ekv.code).toBe(0);
    expect(ekv.out).toMatch(
      /^embedded 3 of 5 lines with glove-100-mean \(100 dims\) in [\d.]+ s .*, 2 failed\nwrote lines\.ekv \(ekv, 3 rows\)\n$/,
    );
    expect(ekv.err).toMatch(/^embedkit: failed: e: no known words/);
    const kv = await loadVectors(join(dir, 'lines.ekv'));
    expect(kv.words).toEqual(['k', 'd', 'q']);
    writeFileSync(join(dir, 'two-ids.txt'), 'a\nb\n');
    const few = run(...base, '-o', 'few.ekv', '--ids', 'two-ids.txt');
    expect(few.err).toMatch(/two-ids\.txt: has 2 ids, the input has 5 lines/);
    const fv = run(...base, '-o', 'lines.fvecs', '--json');
    expect(JSON.parse(fv.out)).toMatchObject({ rows: 3, idsFile: 'lines.fvecs.ids', written: true });
    const m = await readFvecs(join(dir, 'lines.fvecs'));
    expect([m.rows, m.dim]).toEqual([3, 100]);
    expect(readFileSync(join(dir, 'lines.fvecs.ids'), 'utf8')).toBe('0\n1\n4\n');
    expect(Array.from(m.data)).toEqual(Array.from(kv.vectors));
    const fromJsonl = jsonl('lines.jsonl');
    expect(Array.from(m.data.subarray(200, 300))).toEqual(fromJsonl[4].vector!.map(Math.fround)); // JSONL floats read back exactly
    const rawRun = run(...base, '-o', 'raw.fvecs', '--no-normalize');
    expect(rawRun.code).toBe(0);
    const rawRows = await readFvecs(join(dir, 'raw.fvecs'));
    const r0 = rawRows.data.subarray(0, 100);
    expect(Math.abs(norm(r0) - 1)).toBeGreaterThan(0.05);
    const n0 = norm(r0);
    expect(Array.from(r0, (x) => x / n0)).toEqual(Array.from(m.data.subarray(0, 100), (x) => expect.closeTo(x, 5)));
  });
  it('fits SIF on every line, not on the first chunk of 1024 lines only (same rows as one library call)', async () => {
    // The first 1100 lines are one sentence: a component fitted on them alone would leave nothing of it.
    const lines = [
      ...Array<string>(1100).fill('the king and the queen'),
      ...Array.from({ length: 200 }, (_, i) => (i % 2 ? 'a dog barked at the cat' : 'stock markets fell sharply')),
    ];
    writeFileSync(join(dir, 'many.txt'), `${lines.join('\n')}\n`);
    const r = run('embed', 'text', '-e', 'glove-100-sif', '-O', 'limit=20000', '-i', 'many.txt', '-o', 'many.jsonl', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ inputs: 1300, embedded: 1300, failed: 0 });
    const { loadEncoder } = await import('../../src/encode/registry.js');
    const sif = await loadEncoder('glove-100-sif', { limit: 20000, cacheDir: join(dir, 'cache') });
    const want = await sif.embed(lines);
    const got = jsonl('many.jsonl');
    for (const i of [0, 1099, 1100, 1299])
      expect(cosine(got[i].vector!, Array.from(want.data.subarray(i * 100, (i + 1) * 100)))).toBeGreaterThan(0.99999);
  });

  it('passes --model as the load option `path` (transformer from a local folder)', () => {
    const model = join(ROOT, 'test/fixtures/models/tiny-bert');
    const r = run('embed', 'text', '-e', 'transformer', '--model', model, '-i', 'lines.txt', '-o', 'bert.jsonl', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ encoder: 'transformer', inputs: 5, dimension: 32 });
    const lines = jsonl('bert.jsonl');
    expect(lines.map((l) => l.id)).toEqual([0, 1, 2, 3, 4]);
    for (const l of lines.filter((x) => x.vector)) expect(norm(l.vector!)).toBeCloseTo(1, 4);
    const both = run('embed', 'text', '-e', 'transformer', '--model', model, '-O', `path=${model}`, '-i', 'lines.txt', '-o', 'bert.jsonl');
    expect(both.code).toBe(2);
    expect(both.err).toBe('embedkit: usage error: give the model path either with --model or with --option path=…, not both\n');
    // A missing model folder is a model that does not load (exit 1), as for onnx-image and CLIP.
    const missing = run('embed', 'text', '-e', 'transformer', '--model', 'no-such-model', '-i', 'lines.txt', '-o', 'bert.jsonl');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`embedkit: error: ${join(dir, 'no-such-model')}: model folder not found\n`);
  });
});

describe('embedkit embed image', () => {
  it('embeds every image file under a folder: JSONL id = relative path, "error" lines for corrupt and empty files', () => {
    const r = run('embed', 'image', '--encoder', 'mobilenet-v2', '--threads', '1', '--input', 'imgs', '--output', 'imgs.jsonl', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({
      encoder: 'mobilenet-v2',
      modality: 'image',
      inputs: 6,
      embedded: 4,
      failed: 2,
      dimension: 1792,
      rows: 6,
      skipped: ['notes.txt'],
    });
    const lines = jsonl('imgs.jsonl');
    expect(lines.map((l) => l.id)).toEqual([
      'blob.webp',
      'empty.png',
      'stripes.png',
      'sub/checks.jpg',
      'sub/corrupt.jpg',
      'sub/stripes-copy.PNG',
    ]);
    const by = new Map(lines.map((l) => [l.id, l]));
    expect(by.get('empty.png')).toEqual({ id: 'empty.png', error: expect.stringMatching(/^imgs\/empty\.png: .*(empty|0 bytes)/) });
    expect(by.get('sub/corrupt.jpg')!.error).toMatch(/^imgs\/sub\/corrupt\.jpg: /);
    expect(by.get('sub/corrupt.jpg')!.vector).toBeUndefined();
    for (const id of ['blob.webp', 'stripes.png', 'sub/checks.jpg', 'sub/stripes-copy.PNG']) {
      expect(by.get(id)!.vector).toHaveLength(1792);
      expect(norm(by.get(id)!.vector!)).toBeCloseTo(1, 4);
    }
    // the same pixels give the same vector; different patterns do not
    expect(cosine(by.get('stripes.png')!.vector!, by.get('sub/stripes-copy.PNG')!.vector!)).toBeGreaterThan(0.9999);
    expect(cosine(by.get('stripes.png')!.vector!, by.get('sub/checks.jpg')!.vector!)).toBeLessThan(0.95);
  });

  it('writes .fvecs (+ ids) and .ekv with the successful files only; --all-files reports the other files too', async () => {
    const f = run(
      'embed',
      'image',
      '-e',
      'mobilenet-v2',
      '--threads',
      '2',
      '-i',
      'imgs',
      '-o',
      'imgs.fvecs',
      '--all-files',
      '--batch-size',
      '2',
      '--quiet',
    );
    expect(f.code).toBe(0);
    expect(f.out).toMatch(
      /^embedded 4 of 7 files with mobilenet-v2 \(1792 dims\) .*, 3 failed\nwrote imgs\.fvecs \(fvecs, 4 rows\) and its ids imgs\.fvecs\.ids\n$/,
    );
    expect(f.err.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^embedkit: failed: imgs\/empty\.png: /),
      expect.stringMatching(/^embedkit: failed: imgs\/notes\.txt: /),
      expect.stringMatching(/^embedkit: failed: imgs\/sub\/corrupt\.jpg: /),
    ]);
    expect(readFileSync(join(dir, 'imgs.fvecs.ids'), 'utf8')).toBe('blob.webp\nstripes.png\nsub/checks.jpg\nsub/stripes-copy.PNG\n');
    const m = await readFvecs(join(dir, 'imgs.fvecs'));
    expect([m.rows, m.dim]).toEqual([4, 1792]);
    const lines = new Map(jsonl('imgs.jsonl').map((l) => [l.id, l.vector]));
    const row = (i: number) => Array.from(m.data.subarray(i * 1792, (i + 1) * 1792));
    expect(cosine(row(1), lines.get('stripes.png')!)).toBeGreaterThan(0.9999);
    expect(cosine(row(2), lines.get('sub/checks.jpg')!)).toBeGreaterThan(0.9999);

    const one = run('embed', 'image', '-e', 'mobilenet-v2', '--threads', '1', '-i', 'imgs/sub/checks.jpg', '-o', 'one.ekv', '--json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ inputs: 1, embedded: 1, rows: 1 });
    const kv = await loadVectors(join(dir, 'one.ekv'));
    expect(kv.words).toEqual(['checks.jpg']);
    expect(cosine(Array.from(kv.vectors), lines.get('sub/checks.jpg')!)).toBeGreaterThan(0.9999);
  });

  it('exits 1 when every input failed: JSONL lists the errors, .fvecs is not written', () => {
    const j = run('embed', 'image', '-e', 'mobilenet-v2', '--threads', '1', '-i', 'bad', '-o', 'bad.jsonl', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ inputs: 2, embedded: 0, failed: 2, written: true });
    expect(jsonl('bad.jsonl').map((l) => [l.id, typeof l.error])).toEqual([
      ['a.jpg', 'string'],
      ['b.png', 'string'],
    ]);
    writeFileSync(join(dir, 'oov.txt'), 'qzxv blorft\n\n');
    const f = run('embed', 'text', '-e', 'glove-100-mean', '-O', 'limit=20000', '-i', 'oov.txt', '-o', 'bad.fvecs');
    expect(f.code).toBe(1);
    expect(f.err).toMatch(
      /^embedkit: failed: 0: no known words.*\nembedkit: failed: 1: .*\nembedkit: error: all 2 inputs failed; nothing written\n$/,
    );
    expect(existsSync(join(dir, 'bad.fvecs'))).toBe(false);
    expect(existsSync(join(dir, 'bad.fvecs.ids'))).toBe(false);
  });
});

describe('embedkit embed: bad usage and failures', () => {
  it('exits 2 with one clear line for bad usage, before loading anything', () => {
    const unknown = run('embed', 'image', '--encoder', 'resnet-9000', '-i', 'imgs', '-o', 'x.jsonl');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /^embedkit: usage error: unknown encoder "resnet-9000" \(known: .*mobilenet-v2.*glove-100-mean|^embedkit: usage error: unknown encoder "resnet-9000" \(known: .*glove-100-mean.*mobilenet-v2/,
    );
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    const modality = run('embed', 'text', '-e', 'mobilenet-v2', '-i', 'lines.txt', '-o', 'x.jsonl');
    expect(modality.code).toBe(2);
    expect(modality.err).toBe("embedkit: usage error: encoder 'mobilenet-v2' embeds image, not text (use `embedkit embed image`)\n");
    const noModel = run('embed', 'text', '-e', 'transformer', '-i', 'lines.txt', '-o', 'x.jsonl');
    expect(noModel.code).toBe(2);
    expect(noModel.err).toBe("embedkit: usage error: encoder 'transformer' loads a model you give: add --model PATH\n");
    const ext = run('embed', 'text', '-e', 'glove-100-mean', '-i', 'lines.txt', '-o', 'x.csv');
    expect(ext.code).toBe(2);
    expect(ext.err).toMatch(/cannot tell the output format of 'x\.csv'/);
    expect(run('embed', 'text', '-i', 'lines.txt', '-o', 'x.jsonl').code).toBe(2); // no --encoder
    expect(run('embed', 'text', '-e', 'glove-100-mean', '-i', 'lines.txt', '-o', 'x.jsonl', '--batch-size', '0').code).toBe(2);
    expect(run('embed', 'text', '-e', 'glove-100-mean', '-i', 'lines.txt', '-o', 'x.jsonl', '-O', 'novalue').code).toBe(2);
    expect(run('embed', 'video').code).toBe(2);
    // .fvecs ids go one per line to FILE.ids: a file name with a line break is refused before anything runs.
    mkdirSync(join(dir, 'nl'));
    writeFileSync(join(dir, 'nl', 'two\nlines.png'), readFileSync(join(dir, 'imgs', 'stripes.png')));
    const nl = run('embed', 'image', '-e', 'raw-pixels', '-i', 'nl', '-o', 'nl.fvecs');
    expect(nl.code).toBe(2);
    expect(nl.err).toBe(
      'embedkit: usage error: cannot write the ids of nl.fvecs one per line: the id "two\\nlines.png" has a line break (use .jsonl or .ekv)\n',
    );
    expect(existsSync(join(dir, 'nl.fvecs'))).toBe(false);
    const help = run('embed', 'image', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--all-files');
  });

  it('exits 1 with one line naming the problem for a missing input or output folder', () => {
    const input = run('embed', 'text', '-e', 'glove-100-mean', '-i', 'nope.txt', '-o', 'x.jsonl');
    expect(input.code).toBe(1);
    expect(input.err).toMatch(/^embedkit: error: .*nope\.txt/);
    expect(input.err.trim().split('\n')).toHaveLength(1);
    const folder = run('embed', 'text', '-e', 'glove-100-mean', '-O', 'limit=20000', '-i', 'imgs', '-o', 'x.jsonl');
    expect(folder.code).toBe(1);
    expect(folder.err).toBe('embedkit: error: imgs: is a directory, not a text file\n');
    const image = run('embed', 'image', '-e', 'raw-pixels', '-i', 'no-such-dir', '-o', 'x.jsonl');
    expect(image.code).toBe(1);
    expect(image.err).toBe('embedkit: error: no-such-dir: no such file or folder\n');
    const out = run('embed', 'text', '-e', 'glove-100-mean', '-O', 'limit=20000', '-i', 'lines.txt', '-o', 'no/such/dir/x.jsonl');
    expect(out.code).toBe(1);
    expect(out.err).toMatch(/^embedkit: error: cannot write no\/such\/dir\/x\.jsonl: the directory .* does not exist\n$/);
    const binary = join(dir, 'binary.txt');
    writeFileSync(binary, Buffer.from([0x61, 0x00, 0x62]));
    const b = run('embed', 'text', '-e', 'glove-100-mean', '-i', 'binary.txt', '-o', 'x.jsonl');
    expect(b.code).toBe(1);
    expect(b.err).toBe('embedkit: error: binary.txt: not a text file (NUL byte at offset 1)\n');
    const opts = run(
      'embed',
      'text',
      '-e',
      'glove-100-mean',
      '-O',
      'limit=20000',
      '-O',
      'noSuchOption=1',
      '-i',
      'lines.txt',
      '-o',
      'x.jsonl',
    );
    expect(opts.code).toBe(2);
    expect(opts.err).toMatch(/noSuchOption/);
  });
});
