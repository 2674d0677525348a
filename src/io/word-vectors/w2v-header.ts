/** The `N D` first line of the word2vec formats (text and binary). */
export interface W2vHeader {
  /** Number of vectors the file announces. */
  rows: number;
  /** Floats per vector. */
  dim: number;
  /** Bytes of the header line including its `\n`. */
  length: number;
}

/** Largest dimension accepted when reading (a larger one is a corrupt header, not a real model). */
export const MAX_DIM = 1 << 24;

/** Longest header line accepted (`N D` plus slack for spaces / `\r`). */
export const MAX_HEADER_BYTES = 256;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Parses the header at the start of `bytes`: two unsigned decimal integers separated by spaces or
 * tabs, optional trailing blanks / `\r`, then `\n` (or the end of `bytes` when `atEof`). Returns
 * `undefined` when the first line is not such a header (or is not complete within `bytes`).
 */
export function parseW2vHeader(bytes: Uint8Array, atEof: boolean): W2vHeader | undefined {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  let nl = -1;
  for (let i = 0; i < limit; i++) {
    if (bytes[i] === 10) {
      nl = i;
      break;
    }
  }
  if (nl < 0 && !(atEof && bytes.length <= MAX_HEADER_BYTES)) return undefined;
  const end = nl < 0 ? bytes.length : nl;
  const numbers: number[] = [];
  let i = 0;
  while (i < end) {
    const c = bytes[i];
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    let value = 0;
    while (i < end && bytes[i] >= 48 && bytes[i] <= 57) value = value * 10 + (bytes[i++] - 48);
    if (i < end && !isBlank(bytes[i])) return undefined;
    numbers.push(value);
  }
  if (numbers.length !== 2 || !Number.isSafeInteger(numbers[0]) || !Number.isSafeInteger(numbers[1])) return undefined;
  return { rows: numbers[0], dim: numbers[1], length: nl < 0 ? end : nl + 1 };
}

/** Why `header` cannot be read (dimension zero or absurd), or `undefined` if it is fine. */
export function w2vHeaderProblem(header: W2vHeader): string | undefined {
  if (header.dim === 0) return `header '${header.rows} ${header.dim}' gives dimension 0`;
  if (header.dim > MAX_DIM) return `header '${header.rows} ${header.dim}' gives an implausible dimension (max ${MAX_DIM})`;
  return undefined;
}
