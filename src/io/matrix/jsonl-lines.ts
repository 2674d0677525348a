import { FileFormatError } from '../../errors.js';
import { fileInfo, readChunks } from '../core/file-chunks.js';

/** One line of a text file: its 1-based number and its text (without the line break). */
export interface TextLine {
  line: number;
  text: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeLine(file: string, line: number, bytes: Uint8Array): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 13) end--;
  let start = 0;
  if (line === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3; // UTF-8 BOM
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch {
    throw new FileFormatError(file, `line ${line}: invalid UTF-8`);
  }
}

/**
 * The lines of `file` (gzip-compressed files are decompressed), decoded as strict UTF-8 (a UTF-8
 * BOM and CR before LF are dropped). Invalid UTF-8 is a FileFormatError naming the line. Breaking
 * out of the loop closes the file.
 */
export async function* readTextLines(file: string): AsyncGenerator<TextLine> {
  const { gzip } = await fileInfo(file);
  let carry: Uint8Array = new Uint8Array(0);
  let line = 0;
  for await (const chunk of readChunks(file, gzip)) {
    let bytes: Uint8Array = chunk;
    if (carry.length > 0) bytes = Buffer.concat([carry, chunk]);
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      line++;
      yield { line, text: decodeLine(file, line, bytes.subarray(start, nl)) };
      start = nl + 1;
    }
    carry = bytes.subarray(start);
  }
  if (carry.length > 0) {
    line++;
    yield { line, text: decodeLine(file, line, carry) };
  }
}
