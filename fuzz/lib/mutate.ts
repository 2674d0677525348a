import zlib from 'node:zlib';
import type { FieldValue, FuzzCase, Mutation } from './case.js';
import type { BaseFile, FuzzTarget } from './target.js';

/** The bytes of a case, and what they started from. */
export interface CaseFile {
  bytes: Uint8Array;
  ext: string;
  base: BaseFile;
  /** The bytes are exactly the base file's. */
  unchanged: boolean;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function isToken(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2d
  );
}

/** [start, end) of the `index`-th token (run of letters, digits, `_ . + -`), counting modulo the number of tokens. */
function tokenSpan(bytes: Uint8Array, index: number): [number, number] | undefined {
  const spans: [number, number][] = [];
  for (let i = 0; i < bytes.length && spans.length < 4096;) {
    if (!isToken(bytes[i])) {
      i++;
      continue;
    }
    const start = i;
    while (i < bytes.length && isToken(bytes[i])) i++;
    spans.push([start, i]);
  }
  return spans.length === 0 ? undefined : spans[index % spans.length];
}

function writeField(bytes: Uint8Array, at: number, width: number, value: FieldValue): Uint8Array {
  if (at + width > bytes.length) return bytes;
  const out = Uint8Array.from(bytes);
  let current = 0n;
  for (let i = width - 1; i >= 0; i--) current = (current << 8n) | BigInt(out[at + i]);
  const raw = 'abs' in value ? value.abs : 'delta' in value ? current + BigInt(value.delta) : BigInt(bytes.length + value.sizePlus);
  let v = BigInt.asUintN(width * 8, raw);
  for (let i = 0; i < width; i++) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function apply(target: FuzzTarget, bases: readonly BaseFile[], base: BaseFile, bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = Uint8Array.from(bytes);
      out[m.at % n] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return bytes;
      const out = Uint8Array.from(bytes);
      out[m.at % n] = m.value;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % (n + 1));
    case 'cut': {
      const boundaries = base.boundaries ?? [];
      if (boundaries.length === 0) return bytes;
      const at = boundaries[m.boundary % boundaries.length] + m.delta;
      return bytes.subarray(0, Math.max(0, Math.min(n, at)));
    }
    case 'insert': {
      const at = m.at % (n + 1);
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    }
    case 'delete': {
      if (n === 0) return bytes;
      const at = m.at % n;
      return concat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length)));
    }
    case 'repeat': {
      if (n === 0) return bytes;
      const at = m.at % n;
      const piece = bytes.subarray(at, Math.min(n, at + m.length));
      return concat(bytes.subarray(0, at), ...Array<Uint8Array>(m.times).fill(piece), bytes.subarray(at + piece.length));
    }
    case 'append':
      return concat(bytes, m.bytes);
    case 'splice': {
      const other = bases[m.other % bases.length].bytes;
      return concat(bytes.subarray(0, m.cutA % (n + 1)), other.subarray(m.cutB % (other.length + 1)));
    }
    case 'field': {
      const fields = base.fields ?? [];
      if (fields.length === 0) return bytes;
      const field = fields[m.field % fields.length];
      return writeField(bytes, field.at, field.bytes, m.value);
    }
    case 'token': {
      const span = tokenSpan(bytes, m.index);
      if (!span) return concat(m.bytes, bytes);
      return concat(bytes.subarray(0, span[0]), m.bytes, bytes.subarray(span[1]));
    }
    case 'edit': {
      if (!target.applyEdit) return bytes;
      try {
        return target.applyEdit(bytes, m.edit);
      } catch {
        return bytes; // the bytes are no longer of the format: the edit does not apply
      }
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** The bytes of case `c` of `target` (deterministic: the same case always gives the same bytes). */
export function materialize(target: FuzzTarget, bases: readonly BaseFile[], c: FuzzCase): CaseFile {
  const base = bases[c.base % bases.length];
  let bytes: Uint8Array = c.random ? concat(c.random.magic && target.magic ? target.magic : new Uint8Array(0), c.random.bytes) : base.bytes;
  if (c.gzip === 'before') bytes = new Uint8Array(zlib.gzipSync(bytes));
  for (const step of c.steps) bytes = apply(target, bases, base, bytes, step);
  if (c.fix && c.gzip !== 'before' && target.fixChecksums) {
    try {
      bytes = target.fixChecksums(bytes);
    } catch {
      // not enough of the format left to find the checksums
    }
  }
  const unchanged = !c.random && c.gzip === 'none' && sameBytes(bytes, base.bytes);
  if (c.gzip === 'after') bytes = new Uint8Array(zlib.gzipSync(bytes));
  return { bytes, ext: base.ext + (c.gzip === 'none' ? '' : '.gz'), base, unchanged };
}
