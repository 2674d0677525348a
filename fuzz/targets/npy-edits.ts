import fc from 'fast-check';
import { NPY_MAGIC } from '../../src/io/matrix/npy-header.js';

// Structural edits of a .npy header: one entry of the dict (or the whole dict) replaced by odd Python
// literals, the header length kept right, so the dict parser and its checks are what gets exercised.

export interface NpyEdit {
  /** The dict entry to replace, or 'dict' for the whole header text. */
  entry: 'descr' | 'fortran_order' | 'shape' | 'extra' | 'dict';
  text: string;
}

const DEEP = 20000;

const VALUES = [
  "'<f4'",
  "'>f4'",
  "'<f8'",
  "'<i8'",
  "'|u1'",
  "'<U3'",
  "'O'",
  "[('a', '<f4')]",
  '(2, 3)',
  '(0, 3)',
  '(3, 0)',
  '(3,)',
  '()',
  '(1, 2, 3)',
  '(-1, 2)',
  '(2147483648, 2)',
  '(9007199254740993, 1)',
  '(4294967296, 4294967296)',
  '(1.5, 2)',
  '(2L, 3L)',
  'True',
  'False',
  'None',
  '1',
  "'x'",
  "'unterminated",
  "'\\q'",
  '['.repeat(DEEP) + ']'.repeat(DEEP),
  '('.repeat(DEEP) + ')'.repeat(DEEP),
  '{'.repeat(DEEP),
  '',
];

const DICTS = [
  '{}',
  '[]',
  '',
  "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), 'descr': '<f4'}",
  '{1: 2}',
  '{' + "'a': {".repeat(DEEP),
];

export function npyEdits(): fc.Arbitrary<NpyEdit> {
  return fc.oneof(
    fc.record({
      entry: fc.constantFrom('descr' as const, 'fortran_order' as const, 'shape' as const, 'extra' as const),
      text: fc.constantFrom(...VALUES),
    }),
    fc.record({ entry: fc.constant('dict' as const), text: fc.constantFrom(...DICTS) }),
  );
}

/** The bytes of an npy file whose header text is `text` (length field, version and padding kept valid). */
function withHeader(bytes: Uint8Array, text: string): Uint8Array {
  const b = Buffer.from(bytes);
  const major = b[6];
  const prefix = major === 1 ? 10 : 12;
  const length = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const data = b.subarray(prefix + length);
  let header = Buffer.from(text, major === 3 ? 'utf8' : 'latin1');
  const pad = 64 - ((prefix + header.length + 1) % 64);
  header = Buffer.concat([header, Buffer.alloc(pad === 64 ? 0 : pad, 0x20), Buffer.from('\n')]);
  const wide = major !== 1 || header.length > 0xffff;
  const pre = Buffer.alloc(wide ? 12 : 10);
  pre.set(NPY_MAGIC, 0);
  pre[6] = wide && major === 1 ? 2 : major;
  if (wide) pre.writeUInt32LE(header.length, 8);
  else pre.writeUInt16LE(header.length, 8);
  return new Uint8Array(Buffer.concat([pre, header, data]));
}

/** Applies `edit` to a .npy file whose header is numpy's `{'descr': …, 'fortran_order': …, 'shape': …, }` (throws otherwise). */
export function applyNpyEdit(bytes: Uint8Array, edit: NpyEdit): Uint8Array {
  const b = Buffer.from(bytes);
  const prefix = b[6] === 1 ? 10 : 12;
  const length = b[6] === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const text = b
    .subarray(prefix, prefix + length)
    .toString('latin1')
    .trimEnd();
  const match = /^\{'descr': (.*), 'fortran_order': (\w+), 'shape': (\(.*?\)), \}$/.exec(text);
  if (!match) throw new RangeError('not a numpy header');
  const entries: Record<string, string> = { descr: match[1], fortran_order: match[2], shape: match[3] };
  if (edit.entry === 'dict') return withHeader(bytes, edit.text);
  if (edit.entry === 'extra')
    return withHeader(
      bytes,
      `{'descr': ${entries.descr}, 'fortran_order': ${entries.fortran_order}, 'shape': ${entries.shape}, 'extra': ${edit.text}}`,
    );
  entries[edit.entry] = edit.text;
  return withHeader(bytes, `{'descr': ${entries.descr}, 'fortran_order': ${entries.fortran_order}, 'shape': ${entries.shape}, }`);
}
