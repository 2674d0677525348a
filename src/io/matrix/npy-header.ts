import { FileFormatError } from '../../errors.js';
import { formatPyLiteral, parsePyLiteral, PyLiteralError, PyTuple, type PyValue } from './py-literal.js';

/** First 6 bytes of every `.npy` file: `\x93NUMPY`. */
export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);

/** Largest header accepted (numpy itself refuses headers over 10,000 characters by default). */
export const NPY_MAX_HEADER_BYTES = 1 << 20;

/** Alignment of the data in the files numpy writes (and embedkit writes). */
export const NPY_ALIGN = 64;

/** The parsed header of a `.npy` file. */
export interface NpyHeader {
  /** Format version `[major, minor]`: 1.0, 2.0 or 3.0. */
  version: [number, number];
  /** File offset of the first data byte. */
  dataOffset: number;
  /** The `descr` entry as found (a string, or a list for structured dtypes). */
  descr: PyValue;
  fortranOrder: boolean;
  shape: number[];
}

/** True when `bytes` start with {@link NPY_MAGIC}. */
export function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Number of bytes from the start of the file up to the end of the header (= where the data starts),
 * from the first bytes of the file (`head`, at least 12 of them unless the file is shorter).
 * Checks the magic, the version and that the header fits in the `size`-byte file.
 */
export function npyHeaderEnd(file: string, head: Uint8Array, size: number): number {
  if (size === 0) throw new FileFormatError(file, 'empty file (expected a .npy array)');
  const magicSeen = Math.min(head.length, NPY_MAGIC.length);
  if (head.length < NPY_MAGIC.length && NPY_MAGIC.subarray(0, magicSeen).every((b, i) => head[i] === b)) {
    throw new FileFormatError(file, `truncated: ${head.length} bytes, the file ends inside the .npy preamble`);
  }
  if (!hasNpyMagic(head)) {
    const found = Array.from(head.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FileFormatError(file, `not a .npy file: expected the magic bytes \\x93NUMPY, found ${found}`);
  }
  if (head.length < 10) throw new FileFormatError(file, `truncated: ${head.length} bytes, the file ends inside the .npy preamble`);
  const major = head[6];
  const minor = head[7];
  if (major < 1 || major > 3 || minor !== 0) {
    throw new FileFormatError(file, `unsupported .npy format version ${major}.${minor} (embedkit reads 1.0, 2.0 and 3.0)`);
  }
  const prefix = major === 1 ? 10 : 12;
  if (head.length < prefix) throw new FileFormatError(file, `truncated: ${head.length} bytes, the file ends inside the .npy preamble`);
  const view = new DataView(head.buffer, head.byteOffset, prefix);
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerBytes > NPY_MAX_HEADER_BYTES)
    throw new FileFormatError(file, `implausible .npy header length ${headerBytes} bytes (limit ${NPY_MAX_HEADER_BYTES})`);
  if (prefix + headerBytes > size) {
    throw new FileFormatError(
      file,
      `truncated: the .npy header needs ${headerBytes} bytes, the file has ${size - prefix} after the preamble`,
    );
  }
  return prefix + headerBytes;
}

/** Formats a shape as Python does: `(3, 4)`, `(3,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * Parses the header of a `.npy` file; `bytes` holds at least the first {@link npyHeaderEnd} bytes.
 * Requires exactly the keys `descr`, `fortran_order` and `shape` (as numpy does), a bool and a tuple
 * of non-negative integers.
 */
export function decodeNpyHeader(file: string, bytes: Uint8Array, size: number): NpyHeader {
  const dataOffset = npyHeaderEnd(file, bytes, size);
  const major = bytes[6];
  const prefix = major === 1 ? 10 : 12;
  const raw = bytes.subarray(prefix, dataOffset);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);
  const fail = (problem: string): never => {
    throw new FileFormatError(file, `invalid .npy header: ${problem}: ${JSON.stringify(text.trimEnd().slice(0, 200))}`);
  };
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (error) {
    if (error instanceof PyLiteralError) return fail(error.message);
    throw error;
  }
  if (!(dict instanceof Map)) return fail('not a dict');
  const keys = [...dict.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    return fail(`expected the keys 'descr', 'fortran_order' and 'shape', found ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`);
  }
  const fortranOrder = dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') return fail(`fortran_order ${formatPyLiteral(fortranOrder ?? null)} is not True or False`);
  const shapeValue = dict.get('shape') ?? null;
  if (!(shapeValue instanceof PyTuple) || !shapeValue.items.every((n) => typeof n === 'number' && n >= 0)) {
    return fail(`shape ${formatPyLiteral(shapeValue)} is not a tuple of non-negative integers`);
  }
  return { version: [major, 0], dataOffset, descr: dict.get('descr') ?? null, fortranOrder, shape: shapeValue.items as number[] };
}

/**
 * The header numpy writes for a C-order array (format 1.0): the dict with sorted keys, spare spaces
 * so the first dimension can grow in place, then spaces and a newline so the data starts at a
 * multiple of 64 bytes — byte for byte what `numpy.save` produces.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const hlen = dict.length + 1;
  const pad = NPY_ALIGN - ((10 + hlen) % NPY_ALIGN);
  const text = `${dict}${' '.repeat(pad)}\n`;
  if (text.length > 0xffff) throw new RangeError('npy header too long for format 1.0');
  const bytes = new Uint8Array(10 + text.length);
  bytes.set(NPY_MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, text.length, true);
  bytes.set(new TextEncoder().encode(text), 10);
  return bytes;
}
