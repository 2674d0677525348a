import fs from 'node:fs';
import v8 from 'node:v8';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { readJsonlVectors, streamJsonlVectors } from '../../../src/io/matrix/jsonl-read.js';
import { writeJsonlVectors } from '../../../src/io/matrix/jsonl-write.js';
import { expectFileError, expectSameFloats, listDir, makeKv, makeTempDir, runPython } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function jsonl(name: string, text: string | Uint8Array): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, text);
  return file;
}

const kv = makeKv(10, 4, 9);
const ids = [0, 'a', 2, 'д', '1', 1, 'x y', '', -3.5, 'last'];
const metadata = ids.map((_, i) => (i % 3 === 0 ? undefined : { n: i, tags: ['t'], nested: { ok: i % 2 === 0 } }));

describe('JSON Lines vectors', () => {
  it('round-trips ids, float32 bits and metadata (gzip too)', async () => {
    const file = tmp.file('rt.jsonl');
    await writeJsonlVectors(file, { ids, data: kv.vectors, dim: 4, metadata });
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[1]).toMatch(/^\{"id":"a","vector":\[[^\]]+\],"n":1,"tags":\["t"\],"nested":\{"ok":false\}\}$/);
    const back = await readJsonlVectors(file);
    expect([back.rows, back.dim, back.ids, back.metadata]).toEqual([10, 4, ids, metadata]);
    expectSameFloats(back.data, kv.vectors);
    fs.writeFileSync(tmp.file('rt.jsonl.gz'), zlib.gzipSync(text));
    expectSameFloats((await readJsonlVectors(tmp.file('rt.jsonl.gz'))).data, kv.vectors);
    await writeJsonlVectors(tmp.file('plain.jsonl'), { ids: [1, 2], data: Float32Array.of(1, 2), dim: 1 });
    expect(fs.readFileSync(tmp.file('plain.jsonl'), 'utf8')).toBe('{"id":1,"vector":[1]}\n{"id":2,"vector":[2]}\n');
  });

  it('agrees with Python (json + numpy float32) both ways', async () => {
    await writeJsonlVectors(tmp.file('ek.jsonl'), { ids, data: kv.vectors, dim: 4, metadata });
    const result = runPython(
      `
import json, sys, numpy as np
d = sys.argv[1] + '/'
rows = [json.loads(l) for l in open(d + 'ek.jsonl', encoding='utf-8')]
np.array([r['vector'] for r in rows], dtype='float32').tofile(d + 'ek.raw')
rng = np.random.default_rng(3)
v = rng.standard_normal((5, 3)) * 1e-3
with open(d + 'py.jsonl', 'w', encoding='utf-8') as f:
    for i in range(5):
        f.write(json.dumps({'id': 'doc-%d' % i, 'vector': v[i].tolist(), 'title': 'T%d' % i}) + '\\n')
v.astype('float32').tofile(d + 'py.raw')
print(json.dumps([r['id'] for r in rows]))
`,
      [tmp.dir],
    );
    expect(result).toEqual(ids);
    expectSameFloats(new Float32Array(new Uint8Array(fs.readFileSync(tmp.file('ek.raw'))).buffer), kv.vectors);
    const py = await readJsonlVectors(tmp.file('py.jsonl'));
    expect(py.ids).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(py.metadata[2]).toEqual({ title: 'T2' });
    expectSameFloats(py.data, new Float32Array(new Uint8Array(fs.readFileSync(tmp.file('py.raw'))).buffer));
  });

  it('streams batches; limit; blank lines, CRLF and a BOM are accepted', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => `{"id": ${i}, "vector": [${i}, ${-i}]}`);
    const file = jsonl('batches.jsonl', `\uFEFF${lines.slice(0, 3).join('\r\n')}\r\n\n  \n${lines.slice(3).join('\n')}`);
    const seen = [];
    for await (const batch of streamJsonlVectors(file, { batchRows: 3 }))
      seen.push([batch.firstRow, batch.rows, batch.ids, Array.from(batch.data)]);
    expect(seen).toEqual([
      [0, 3, [0, 1, 2], [0, 0, 1, -1, 2, -2]],
      [3, 3, [3, 4, 5], [3, -3, 4, -4, 5, -5]],
      [6, 1, [6], [6, -6]],
    ]);
    const limited = await readJsonlVectors(file, { limit: 4 });
    expect([limited.rows, limited.ids]).toEqual([4, [0, 1, 2, 3]]);
    expect((await readJsonlVectors(file, { limit: 0 })).rows).toBe(0);
    await expect(readJsonlVectors(file, { limit: -2 })).rejects.toBeInstanceOf(UsageError);
  });

  describe('errors name the file and the line', () => {
    const good = '{"id": "a", "vector": [1, 2, 3]}';
    const cases: [string, string, RegExp][] = [
      ['bad-json', `${good}\n{"id": "b", "vector": [1, 2, 3]`, /: line 2: invalid JSON \(/],
      ['array', `${good}\n[1, 2, 3]`, /line 2: expected a JSON object like \{"id": …, "vector": \[…\]\}, found an array/],
      ['no-id', `${good}\n\n{"vector": [1, 2, 3]}`, /line 3: missing "id"/],
      ['null-id', `{"id": null, "vector": [1]}`, /line 1: "id" must be a string or a number, found null/],
      ['bool-id', `{"id": true, "vector": [1]}`, /line 1: "id" must be a string or a number, found boolean true/],
      ['no-vector', `{"id": 1, "embedding": [1]}`, /line 1: missing "vector"/],
      ['string-vector', `{"id": 1, "vector": "1 2"}`, /line 1: "vector" must be an array of numbers, found string "1 2"/],
      ['empty-vector', `{"id": 1, "vector": []}`, /line 1: "vector" is empty/],
      ['string-value', `{"id": 1, "vector": [1, "2"]}`, /line 1: "vector"\[1\] is string "2", not a number/],
      ['null-value', `{"id": 1, "vector": [null]}`, /line 1: "vector"\[0\] is null, not a number/],
      ['infinite', `{"id": 1, "vector": [1e999]}`, /line 1: "vector"\[0\] is not a finite number/],
      ['overflow', `{"id": 1, "vector": [0, 1e39]}`, /line 1: "vector"\[1\] = 1e\+39 is outside the float32 range/],
      ['dim', `${good}\n{"id": "b", "vector": [1, 2]}`, /line 2: "vector" has 2 values, the first record \(line 1\) has 3/],
      [
        'dup',
        `${good}\n{"id": 7, "vector": [1, 2, 3]}\n{"id": "7", "vector": [1, 2, 3]}\n{"id": "a", "vector": [1, 2, 3]}`,
        /line 4: duplicate id "a" \(first on line 1\)/,
      ],
      ['dup-number', `{"id": 7, "vector": [1]}\n{"id": 7.0, "vector": [1]}`, /line 2: duplicate id 7 \(first on line 1\)/],
      ['empty', '', /empty file \(no JSON Lines records\)/],
      ['blank', '\n  \n\r\n', /empty file \(no JSON Lines records\)/],
    ];
    for (const [name, text, problem] of cases) {
      it(name, async () => {
        const file = jsonl(`${name}.jsonl`, text);
        await expectFileError(() => readJsonlVectors(file), file, problem);
      });
    }

    it('invalid UTF-8', async () => {
      const file = jsonl(
        'latin1.jsonl',
        Buffer.concat([Buffer.from(`${good}\n{"id": "caf`), Buffer.from([0xe9]), Buffer.from('", "vector": [1, 2, 3]}\n')]),
      );
      await expectFileError(() => readJsonlVectors(file), file, /line 2: invalid UTF-8/);
    });

    it('a long first record and a bad second line allocate for what was read, not batchRows × dim (fuzz finding)', async () => {
      const first = `{"id": 1, "vector": [${Array.from({ length: 100_000 }, (_, i) => i % 7).join(',')}]}`;
      const file = jsonl('long-first.jsonl', `${first}\n{"id": 2, "vector": [1, 2]}\n`);
      const before = v8.getHeapStatistics().external_memory;
      await expectFileError(() => readJsonlVectors(file), file, /line 2: "vector" has 2 values, the first record \(line 1\) has 100000/);
      // was 4096 rows × 100,000 values × 4 bytes = 1.6 GB for a 200 KB file
      expect(v8.getHeapStatistics().external_memory - before).toBeLessThan(32 << 20);
      const rows = Array.from({ length: 37 }, (_, i) => `{"id": ${i}, "vector": [${i}, ${-i}]}`).join('\n');
      const batches = [];
      for await (const b of streamJsonlVectors(jsonl('grow.jsonl', rows), { batchRows: 20 })) batches.push(b);
      expect(batches.map((b) => [b.rows, b.data.length, b.data[2 * b.rows - 2]])).toEqual([
        [20, 40, 19],
        [17, 34, 36],
      ]);
    });

    it('a record far into the stream (after earlier batches were yielded)', async () => {
      const lines = Array.from({ length: 50 }, (_, i) => `{"id": ${i}, "vector": [${i}]}`);
      lines[41] = '{"id": 41, "vector": [1, 2]}';
      const file = jsonl('late.jsonl', lines.join('\n'));
      const iter = streamJsonlVectors(file, { batchRows: 20 });
      expect((await iter.next()).value?.rows).toBe(20);
      expect((await iter.next()).value?.rows).toBe(20);
      await expectFileError(() => iter.next(), file, /line 42: "vector" has 2 values, the first record \(line 1\) has 1/);
    });
  });

  it('the writer refuses bad input with a UsageError and leaves no file', async () => {
    const dir = tmp.file('w');
    fs.mkdirSync(dir);
    const file = `${dir}/x.jsonl`;
    const data = Float32Array.of(1, 2);
    const bad: [unknown, RegExp][] = [
      [{ ids: [1], data, dim: 1 }, /data has 2 values, expected ids\.length × dim = 1 × 1/],
      [{ ids: [1, 1], data, dim: 1 }, /duplicate id 1 \(ids\[1\]\)/],
      [{ ids: [1, null], data, dim: 1 }, /ids\[1\] must be a string or a finite number/],
      [{ ids: [1, 2], data: Float32Array.of(1, NaN), dim: 1 }, /data\[1\] \(row 1\) is NaN: JSON cannot store it/],
      [{ ids: [1, 2], data, dim: 1, metadata: [undefined] }, /one entry per id/],
      [{ ids: [1, 2], data, dim: 1, metadata: [undefined, { id: 3 }] }, /metadata\[1\] must not have the keys "id" or "vector"/],
      [{ ids: [1, 2], data, dim: 1, metadata: [{ big: 1n }, undefined] }, /metadata\[0\] cannot be written as JSON/],
    ];
    for (const [input, problem] of bad) {
      const error = await writeJsonlVectors(file, input as Parameters<typeof writeJsonlVectors>[1]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(problem);
    }
    expect(listDir(dir)).toEqual([]);
  });
});
