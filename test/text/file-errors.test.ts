import { describe, expect, it } from 'vitest';
import { EmbedkitError, FileFormatError } from '../../src/errors.js';
import { fileAccessError, gzipStreamError } from '../../src/text/file-errors.js';

function sysError(code: string, message = `${code}: failed`): Error {
  return Object.assign(new Error(message), { code });
}

describe('file error mapping', () => {
  it('names the file and the problem for system errors, keeping the cause', () => {
    const cases: [string, RegExp, string][] = [
      ['ENOENT', /^data\.txt: no such file$/, 'EMBEDKIT_FILE_NOT_FOUND'],
      ['EISDIR', /^data\.txt: is a directory/, 'EMBEDKIT_NOT_A_FILE'],
      ['EACCES', /^data\.txt: permission denied$/, 'EMBEDKIT_FILE_UNREADABLE'],
      ['EIO', /^data\.txt: cannot read \(EIO: EIO: failed\)$/, 'EMBEDKIT_FILE_UNREADABLE'],
    ];
    for (const [code, message, ours] of cases) {
      const cause = sysError(code);
      const err = fileAccessError('data.txt', cause);
      expect(err).toBeInstanceOf(EmbedkitError);
      expect(err.message).toMatch(message);
      expect(err.code).toBe(ours);
      expect(err.cause).toBe(cause);
    }
  });

  it('passes embedkit errors through unchanged', () => {
    const original = new FileFormatError('x.gz', 'bad');
    expect(fileAccessError('y', original)).toBe(original);
  });

  it('turns zlib errors into FileFormatErrors', () => {
    const truncated = gzipStreamError('a.gz', sysError('Z_BUF_ERROR', 'unexpected end of file'));
    expect(truncated).toBeInstanceOf(FileFormatError);
    expect(truncated.message).toBe('a.gz: truncated gzip data (unexpected end of file)');
    const corrupt = gzipStreamError('a.gz', sysError('Z_DATA_ERROR', 'incorrect header check'));
    expect(corrupt.message).toBe('a.gz: corrupt gzip data (incorrect header check)');
    expect(gzipStreamError('a.gz', sysError('ENOENT'))).not.toBeInstanceOf(FileFormatError);
  });
});
