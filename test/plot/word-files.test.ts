import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../src/errors.js';
import { selectPoints } from '../../src/plot/select-points.js';
import { readWordLabels, readWordList } from '../../src/plot/word-files.js';

const dir = mkdtempSync(join(tmpdir(), 'plot-words-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('word lists and labels files', () => {
  it('reads words one per line, skipping blanks and repeats; the first column of a TSV', async () => {
    const words = await readWordList(file('w.txt', '\ufeffking\n\nqueen\r\nking\nparis\tcity\n'));
    expect(words).toEqual([
      { word: 'king', line: 1 },
      { word: 'queen', line: 3 },
      { word: 'paris', line: 5 },
    ]);
    await expect(readWordList(file('empty.txt', '\n\n'))).rejects.toThrow(/empty\.txt: holds no words/);
    await expect(readWordList(join(dir, 'absent.txt'))).rejects.toThrow(/absent\.txt: cannot be read \(ENOENT\)/);
  });

  it('reads word<TAB>label lines and names the bad line', async () => {
    const l = await readWordLabels(file('l.tsv', 'paris\tcity\nlion\tanimal\n\nparis\tcity\n'));
    expect([...l.labels]).toEqual([
      ['paris', 'city'],
      ['lion', 'animal'],
    ]);
    await expect(readWordLabels(file('bad.tsv', 'paris\tcity\nlion animal\n'))).rejects.toThrow(
      /bad\.tsv: line 2: expected word<TAB>label/,
    );
    await expect(readWordLabels(file('twice.tsv', 'paris\tcity\nparis\tperson\n'))).rejects.toThrow(
      /twice\.tsv: line 2: 'paris' is labelled both 'city' and 'person'/,
    );
    await expect(readWordLabels(file('none.tsv', ''))).rejects.toBeInstanceOf(FileFormatError);
  });
});

describe('selectPoints', () => {
  const ids = ['the', 'king', 'queen', 'paris'];
  it('takes the first rows, or the listed words in their order', () => {
    expect(selectPoints(ids, 4, { top: 2 }, 'm.vec')).toEqual({ rows: Int32Array.of(0, 1), names: ['the', 'king'] });
    expect(selectPoints(undefined, 4, { top: 9 }, 'm.fvecs')).toEqual({ rows: Int32Array.of(0, 1, 2, 3) });
    const words = [
      { word: 'paris', line: 1 },
      { word: 'king', line: 2 },
    ];
    expect(selectPoints(ids, 4, { words, file: 'w.txt' }, 'm.vec')).toEqual({ rows: Int32Array.of(3, 1), names: ['paris', 'king'] });
  });

  it('names the words the model lacks, with their lines', () => {
    const words = [
      { word: 'king', line: 1 },
      { word: 'kingg', line: 2 },
      { word: 'rome', line: 4 },
    ];
    expect(() => selectPoints(ids, 4, { words, file: 'w.txt' }, 'm.vec')).toThrow(
      "w.txt: 2 words are not in m.vec: 'kingg' (line 2), 'rome' (line 4)",
    );
    expect(() => selectPoints(undefined, 4, { words, file: 'w.txt' }, 'm.fvecs')).toThrow(UsageError);
    expect(() => selectPoints(ids, 0, { top: 3 }, 'm.vec')).toThrow(/m\.vec: holds no vectors/);
  });
});
