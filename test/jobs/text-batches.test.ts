// Planning text batches: byte ranges of whole lines whose decoded lines, batch after batch, are
// exactly the lines `embed text` reads (BOM, CRLF, empty lines, no final line end, batch edges).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readTextLines } from '../../src/encode/inputs.js';
import { decodeBatchLines, planTextBatches } from '../../src/jobs/text-batches.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-text-batches-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: [string, string][] = [
  ['plain', 'a\nb\nc\nd\ne\n'],
  ['no final line end', 'a\nb\nc\nd\ne'],
  ['CRLF and empty lines', 'a\r\n\r\nc\r\n\r\n\r\nf\r\n'],
  ['BOM', '\ufeffun\ndeux\ntrois\n'],
  ['one empty line', '\n'],
  ['unicode', 'é\n日本語\n😀 x\n'],
];

it.each(CASES)('%s: the batches decode to the lines of readTextLines', async (name, text) => {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.txt`);
  writeFileSync(file, text);
  const expected = await readTextLines(file);
  const bytes = readFileSync(file);
  for (const size of [1, 2, 3, 100]) {
    const batches = await planTextBatches(file, size);
    const lines = batches.flatMap((b) => decodeBatchLines(file, bytes.subarray(b.start, b.end), b));
    expect(lines).toEqual(expected);
    expect(batches.every((b, i) => b.lines === Math.min(size, expected.length - i * size) && b.firstLine === i * size)).toBe(true);
  }
});

it('gives no batches for an empty file and names a missing one', async () => {
  writeFileSync(join(dir, 'empty.txt'), '');
  expect(await planTextBatches(join(dir, 'empty.txt'), 10)).toEqual([]);
  await expect(planTextBatches(join(dir, 'missing.txt'), 10)).rejects.toThrow(/missing\.txt: file not found/);
});

it('hashes the bytes of each batch: equal batches get equal hashes', async () => {
  const file = join(dir, 'repeat.txt');
  writeFileSync(file, 'x\ny\nx\ny\nz\n');
  const [a, b, c] = await planTextBatches(file, 2);
  expect(a.sha256).toBe(b.sha256);
  expect(c.sha256).not.toBe(a.sha256);
});

it('plans a file read in several pieces (lines and batches straddle the 4 MiB reads) as if read whole', async () => {
  const file = join(dir, 'large.txt');
  // 9 MiB of lines of varied lengths; a BOM and no final line end
  const lines = Array.from({ length: 150_000 }, (_, i) => `line ${i} ${'é'.repeat(i % 97)}`);
  writeFileSync(file, `\ufeff${lines.join('\n')}`);
  const bytes = readFileSync(file);
  expect(bytes.length).toBeGreaterThan(2 * (4 << 20));
  const { createHash } = await import('node:crypto');
  for (const size of [1000, 4099]) {
    const batches = await planTextBatches(file, size);
    expect(batches.map((b) => b.lines).reduce((a, b) => a + b, 0)).toBe(lines.length);
    expect(batches[0].start).toBe(3);
    for (let i = 1; i < batches.length; i++) expect(batches[i].start).toBe(batches[i - 1].end);
    expect(batches.at(-1)!.end).toBe(bytes.length);
    for (const b of [batches[0], batches[17], batches.at(-1)!]) {
      expect(decodeBatchLines(file, bytes.subarray(b.start, b.end), b)).toEqual(lines.slice(b.firstLine, b.firstLine + b.lines));
      expect(b.sha256).toBe(createHash('sha256').update(bytes.subarray(b.start, b.end)).digest('hex'));
    }
  }
});
