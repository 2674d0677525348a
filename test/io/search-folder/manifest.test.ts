import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { readSearchManifest, searchDataFiles, writeSearchManifest } from '../../../src/io/search-folder/manifest.js';
import { makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const fields = { generation: 3, ...searchDataFiles(3), documents: 2, chunks: 5, encoder: 'word-vectors', dim: 8 };

describe('search folder manifest', () => {
  it('round-trips and names the generation files', async () => {
    const dir = tmp.file('ok');
    mkdirSync(dir);
    await writeSearchManifest(dir, fields);
    const m = await readSearchManifest(dir);
    expect(m).toEqual({ format: 'embedkit-search', version: 1, ...fields });
    expect(m.docsFile).toBe('docs-3.json');
    expect(m.vectorsFile).toBe('vectors-3.ekx');
  });

  const bad: [string, unknown, RegExp][] = [
    ['no manifest', undefined, /is not a search index \(no manifest.json\)/],
    ['not JSON', '{', /is not valid JSON/],
    ['another format', { ...fields, format: 'other', version: 1 }, /is not an embedkit-search manifest/],
    ['a newer version', { ...fields, format: 'embedkit-search', version: 2 }, /has version 2, this embedkit reads 1/],
    ['a path as data file', { ...fields, format: 'embedkit-search', version: 1, docsFile: '../x.json' }, /names bad data files/],
    ['a negative count', { ...fields, format: 'embedkit-search', version: 1, chunks: -1 }, /bad chunks/],
  ];
  for (const [what, content, message] of bad)
    it(`rejects ${what} with the file named`, async () => {
      const dir = tmp.file(what.replace(/\W+/g, '-'));
      mkdirSync(dir);
      if (content !== undefined)
        writeFileSync(path.join(dir, 'manifest.json'), typeof content === 'string' ? content : JSON.stringify(content));
      const err = await readSearchManifest(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(dir);
    });
});
