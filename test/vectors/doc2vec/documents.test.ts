import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { Tokenizer } from '../../../src/text/tokenizer.js';
import { documentFormatOf, readTaggedDocuments } from '../../../src/vectors/doc2vec/documents.js';

let dir: string;
const tok = new Tokenizer();
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-docs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTaggedDocuments', () => {
  it('reads plain lines, tagging each document by its number (blank lines are not documents)', async () => {
    const a = file('a.txt', 'The first document.\n\n  \nSecond one here\n');
    const b = file('b.txt.gz', gzipSync('third\n'));
    const docs = await readTaggedDocuments([a, b], tok);
    expect(docs).toEqual([
      { tags: ['0'], words: ['the', 'first', 'document'] },
      { tags: ['1'], words: ['second', 'one', 'here'] },
      { tags: ['2'], words: ['third'] },
    ]);
  });

  it('reads TAGS<TAB>TEXT with one or more tags', async () => {
    const p = file('t.tsv', 'spam msg1\tBuy now\nham\tHello there\n');
    expect(await readTaggedDocuments(p, tok, { format: 'tagged' })).toEqual([
      { tags: ['spam', 'msg1'], words: ['buy', 'now'] },
      { tags: ['ham'], words: ['hello', 'there'] },
    ]);
  });

  it('reads JSON Lines with text or pre-tokenized words (auto-detected by name)', async () => {
    const p = file('d.jsonl', '{"tags": ["x", 3], "text": "Some Text"}\n{"tags": ["y"], "words": ["Kept", "AS", "is"]}\n');
    expect(documentFormatOf(p)).toBe('jsonl');
    expect(await readTaggedDocuments(p, tok)).toEqual([
      { tags: ['x', '3'], words: ['some', 'text'] },
      { tags: ['y'], words: ['Kept', 'AS', 'is'] },
    ]);
  });

  it('names the file and line of every bad document', async () => {
    const cases: [string, string, 'tagged' | 'jsonl' | 'lines', RegExp][] = [
      ['notab.tsv', 'a\tok text\nno tab here\n', 'tagged', /line 2: no tab/],
      ['notags.tsv', ' \tsome text\n', 'tagged', /line 1: no tags before the tab/],
      ['emptydoc.tsv', 'a\t...\n', 'tagged', /line 1: empty document: tags a but no words/],
      ['json.jsonl', '{"tags": ["a"], "text": "x"}\n{oops\n', 'jsonl', /line 2: invalid JSON/],
      ['notagsjson.jsonl', '{"text": "x"}\n', 'jsonl', /line 1: missing "tags"/],
      ['emptytags.jsonl', '{"tags": [], "text": "x"}\n', 'jsonl', /line 1: "tags" must be a non-empty array/],
      ['notext.jsonl', '{"tags": ["a"]}\n', 'jsonl', /line 1: expected "text"/],
      ['array.jsonl', '[1, 2]\n', 'jsonl', /line 1: expected a JSON object/],
      ['blank.txt', '\n  \n', 'lines', /no documents/],
    ];
    for (const [name, text, format, message] of cases) {
      const p = file(name, text);
      const err = await readTaggedDocuments(p, tok, { format }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(FileFormatError);
      expect((err as Error).message, name).toContain(p);
      expect((err as Error).message, name).toMatch(message);
    }
    await expect(readTaggedDocuments(join(dir, 'nope.txt'), tok)).rejects.toThrow(/nope\.txt/);
  });
});
