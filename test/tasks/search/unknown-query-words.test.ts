import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { Encoder } from '../../../src/encode/types.js';
import { SemanticSearch } from '../../../src/tasks/search/semantic-search.js';
import { tinyTextEncoder } from './fixture-encoder.js';

let dir: string;
let encoder: Encoder;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-search-oov-'));
  ({ encoder } = await tinyTextEncoder(dir));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a text query without a word the encoder knows', () => {
  it('is ranked by BM25 in the hybrid modes, and is a UsageError in dense mode', async () => {
    const s = new SemanticSearch(encoder);
    await s.add([
      { id: 'a', text: 'the cat and the zorblax' },
      { id: 'b', text: 'a dog on the road' },
    ]);
    // precondition: the encoder knows none of the query's words
    expect((await encoder.embed(['zorblax'])).errors).toHaveLength(1);
    for (const mode of ['convex', 'rrf'] as const) {
      const hits = await s.query('zorblax', { fusion: { mode } });
      expect(hits.map((h) => h.id)).toEqual(['a']);
    }
    expect((await s.query('zorblax', { fusion: { mode: 'bm25' } })).map((h) => h.id)).toEqual(['a']);
    await expect(s.query('zorblax', { fusion: { mode: 'dense' } })).rejects.toThrow(UsageError);
    await expect(s.query('zorblax', { fusion: { mode: 'dense' } })).rejects.toThrow(/no known words/);
  });
});
