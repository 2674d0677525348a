import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listImageFiles, readTextLines } from '../../src/encode/inputs.js';
import { FileFormatError, UsageError } from '../../src/errors.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextLines', () => {
  it('splits on \\n and \\r\\n, keeps empty lines, drops a BOM and the final newline', async () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, '\uFEFFfirst\r\n\r\nthird line\nfourth\n');
    expect(await readTextLines(file)).toEqual(['first', '', 'third line', 'fourth']);
    writeFileSync(file, 'no final newline');
    expect(await readTextLines(file)).toEqual(['no final newline']);
    writeFileSync(file, '\n\n');
    expect(await readTextLines(file)).toEqual(['', '']);
    writeFileSync(file, '');
    expect(await readTextLines(file)).toEqual([]);
  });

  it('refuses files that are not UTF-8 text, naming the file', async () => {
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(readTextLines(file)).rejects.toThrow(new FileFormatError(file, 'not valid UTF-8 text'));
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    await expect(readTextLines(file)).rejects.toThrow(`${file}: not a text file (NUL byte at offset 4)`);
  });

  it('names the path for a folder or a missing file (not a bare EISDIR/ENOENT)', async () => {
    await expect(readTextLines(dir)).rejects.toThrow(new FileFormatError(dir, 'is a directory, not a text file'));
    const missing = join(dir, 'missing.txt');
    await expect(readTextLines(missing)).rejects.toThrow(new FileFormatError(missing, 'file not found'));
  });
});

describe('listImageFiles', () => {
  it('recurses, takes image extensions case-insensitively, skips hidden entries, sorts by relative path', async () => {
    const root = join(dir, 'imgs');
    mkdirSync(join(root, 'b', 'deep'), { recursive: true });
    mkdirSync(join(root, '.thumbs'));
    mkdirSync(join(dir, 'outside'));
    for (const f of ['z.JPG', 'a.png', 'b/deep/c.webp', 'b/x.bmp', 'b/readme.md', '.hidden.png', '.thumbs/t.png', 'noext'])
      writeFileSync(join(root, f), '');
    writeFileSync(join(dir, 'outside', 'o.gif'), '');
    symlinkSync(join(dir, 'outside', 'o.gif'), join(root, 'link.gif'));
    symlinkSync(join(dir, 'outside'), join(root, 'linkdir'));
    symlinkSync(join(dir, 'missing.png'), join(root, 'dangling.png'));
    const { files, skipped } = await listImageFiles(root);
    expect(files.map((f) => f.id)).toEqual(['a.png', 'b/deep/c.webp', 'b/x.bmp', 'dangling.png', 'link.gif', 'z.JPG']);
    expect(files[1].path).toBe(join(root, 'b', 'deep', 'c.webp'));
    expect(skipped).toEqual(['b/readme.md', 'noext']);
    const all = await listImageFiles(root, { allFiles: true });
    expect(all.files.map((f) => f.id)).toEqual([
      'a.png',
      'b/deep/c.webp',
      'b/readme.md',
      'b/x.bmp',
      'dangling.png',
      'link.gif',
      'noext',
      'z.JPG',
    ]);
    expect(all.skipped).toEqual([]);
    expect((await listImageFiles(root, { extensions: ['.WEBP'] })).files.map((f) => f.id)).toEqual(['b/deep/c.webp']);
  });

  it('refuses a path that is not a directory', async () => {
    const file = join(dir, 'plain.png');
    writeFileSync(file, '');
    await expect(listImageFiles(file)).rejects.toThrow(UsageError);
    await expect(listImageFiles(join(dir, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});
