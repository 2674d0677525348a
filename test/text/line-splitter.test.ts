import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../../src/errors.js';
import { LineSplitter, type InvalidUtf8Policy } from '../../src/text/line-splitter.js';

function split(bytes: Buffer, chunkSize: number, maxLineBytes = 1 << 20, policy: InvalidUtf8Policy = 'error'): string[] {
  const s = new LineSplitter('test.txt', maxLineBytes, policy);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) s.push(bytes.subarray(i, i + chunkSize), out);
  s.end(out);
  return out;
}

/** Every chunk size from 1 byte to the whole input must give the same lines. */
function splitAllWays(bytes: Buffer, maxLineBytes?: number): string[] {
  const whole = split(bytes, Math.max(1, bytes.length), maxLineBytes);
  for (let size = 1; size < bytes.length; size++) expect(split(bytes, size, maxLineBytes), `chunk size ${size}`).toEqual(whole);
  return whole;
}

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n, keeps empty lines, and a last line without newline', () => {
    expect(splitAllWays(Buffer.from('a b\r\n\nc\r\nd'))).toEqual(['a b', '', 'c', 'd']);
    expect(splitAllWays(Buffer.from('one\ntwo\n'))).toEqual(['one', 'two']);
    expect(split(Buffer.alloc(0), 1)).toEqual([]);
    expect(splitAllWays(Buffer.from('\n'))).toEqual(['']);
  });

  it('decodes multi-byte UTF-8 characters split across chunk boundaries', () => {
    const text = 'héllo wörld\n我喜欢机器学习\n😀 emoji 👍🏽\nไทย';
    expect(splitAllWays(Buffer.from(text))).toEqual(text.split('\n'));
  });

  it('strips a UTF-8 byte-order mark, even when it arrives one byte at a time', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('first\nsecond')]);
    expect(splitAllWays(bytes)).toEqual(['first', 'second']);
    expect(splitAllWays(Buffer.from([0xef, 0xbb, 0xbf]))).toEqual([]);
  });

  it('does not strip a BOM that is not at the start', () => {
    expect(split(Buffer.from('a\n\ufeffb'), 100)).toEqual(['a', '\ufeffb']);
  });

  it('rejects UTF-16 text with a FileFormatError naming the file', () => {
    const bytes = Buffer.from('\ufeffhi', 'utf16le');
    expect(() => split(bytes, 1)).toThrow(FileFormatError);
    expect(() => split(bytes, 100)).toThrow(/test\.txt: is UTF-16/);
  });

  it('rejects invalid UTF-8 with the line number, or replaces it when asked', () => {
    const bytes = Buffer.concat([Buffer.from('ok\nfine\nbad '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\nafter')]);
    for (const size of [1, 3, 7, 1000]) {
      expect(() => split(bytes, size)).toThrow(/test\.txt: invalid UTF-8 on line 3/);
    }
    expect(split(bytes, 5, 1 << 20, 'replace')).toEqual(['ok', 'fine', 'bad \ufffd\ufffdA', 'after']);
  });

  it('rejects a multi-byte character cut off at the end of the input', () => {
    expect(() => split(Buffer.from('ab\n我').subarray(0, 5), 2)).toThrow(/line 2/);
  });

  it('cuts lines longer than maxLineBytes at the last space before the limit', () => {
    const lines = splitAllWays(Buffer.from('aaa bbb ccc ddd\nshort'), 8);
    expect(lines).toEqual(['aaa bbb', 'ccc ddd', 'short']);
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(8);
  });

  it('hard-cuts a long line without spaces at a character boundary', () => {
    const text = '我喜欢机器学习'; // 7 characters x 3 bytes
    const lines = splitAllWays(Buffer.from(text), 8);
    expect(lines).toEqual(['我喜', '欢机', '器学', '习']);
    expect(lines.join('')).toBe(text);
  });

  it('keeps every token of a multi-megabyte line when cutting at spaces', () => {
    const words = Array.from({ length: 300_000 }, (_, i) => `w${i}`);
    const bytes = Buffer.from(`${words.join(' ')}\nnext`);
    const lines = split(bytes, 65536, 100_000);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.at(-1)).toBe('next');
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(100_000);
    expect(lines.slice(0, -1).join(' ').split(' ')).toEqual(words);
  });
});
