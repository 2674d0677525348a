// The vector shard a worker writes for one batch (`<batch id>.ekjb` in the run's work directory):
//   "EKJB" | u32 version | u32 header bytes | header JSON {id, rows, dim, errors} padded to 4 bytes
//   | rows × dim float32 (little-endian) | u32 CRC-32 of everything before it.
// Written atomically (temp file, rename), so a reader sees a whole shard or none; the reader checks
// magic, version, sizes against the file length, the CRC and the batch id it expects. Not fsynced:
// the submitter checks every shard before it uses it and redoes a batch whose shard a crash lost or
// damaged, so a sync per batch (milliseconds to tens of ms on a busy disk, per 15 ms batch) would
// only keep the worker's core idle.
import { readFile } from 'node:fs/promises';
import { FileFormatError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { crc32 } from '../io/core/crc32.js';

const MAGIC = 0x424a4b45; // "EKJB" read as a little-endian u32
const VERSION = 1;
/** Float32Array's byte order is the host's: on little-endian hosts (all Node targets in practice) rows are copied as bytes. */
const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

/** A per-input failure inside a batch (index = position in the batch). */
export interface ShardError {
  index: number;
  message: string;
}

/** The content of one shard. */
export interface Shard {
  id: string;
  rows: number;
  dim: number;
  /** Row-major `rows × dim`; rows of failed inputs are zero. */
  data: Float32Array;
  errors: ShardError[];
}

/** Encodes `shard` (see the file comment for the layout). */
export function encodeShard(shard: Shard): Uint8Array {
  const { id, rows, dim, data, errors } = shard;
  if (data.length !== rows * dim) throw new RangeError(`shard ${id}: ${data.length} values for ${rows} × ${dim}`);
  const json = Buffer.from(JSON.stringify({ id, rows, dim, errors }), 'utf8');
  const headerBytes = Math.ceil(json.length / 4) * 4;
  const total = 12 + headerBytes + data.length * 4 + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, headerBytes, true);
  out.set(json, 12);
  out.fill(0x20, 12 + json.length, 12 + headerBytes); // pad with spaces: still valid JSON
  const body = 12 + headerBytes;
  if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), body);
  else for (let i = 0; i < data.length; i++) view.setFloat32(body + i * 4, data[i], true);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

/** Writes `shard` to `file` atomically (not durably: see the file comment). */
export function writeShard(file: string, shard: Shard): Promise<void> {
  return writeFileAtomic(file, encodeShard(shard), { durable: false });
}

/**
 * Decodes a shard, checking it is the one expected (`expect.id`, and `expect.rows` when given).
 * FileFormatError naming the file and the problem otherwise.
 */
export function decodeShard(file: string, bytes: Uint8Array, expect: { id: string; rows?: number }): Shard {
  const fail = (problem: string): never => {
    throw new FileFormatError(file, problem);
  };
  if (bytes.length < 16) fail(`truncated shard (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('not an embedkit job shard (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail(`shard version ${version} is not supported (expected ${VERSION})`);
  const headerBytes = view.getUint32(8, true);
  if (headerBytes % 4 !== 0 || 12 + headerBytes + 4 > bytes.length) fail(`header of ${headerBytes} bytes does not fit the file`);
  if (view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) fail('checksum mismatch (corrupt shard)');
  let header: { id?: unknown; rows?: unknown; dim?: unknown; errors?: unknown };
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 12, headerBytes).toString('utf8')) as typeof header;
  } catch {
    return fail('unreadable header');
  }
  const { id, rows, dim, errors } = header;
  if (typeof id !== 'string' || !Number.isSafeInteger(rows) || !Number.isSafeInteger(dim) || !Array.isArray(errors)) fail('invalid header');
  if (id !== expect.id) fail(`holds batch ${String(id)}, not ${expect.id}`);
  const r = rows as number;
  const d = dim as number;
  if (expect.rows !== undefined && r !== expect.rows) fail(`holds ${r} rows, the batch has ${expect.rows}`);
  const body = 12 + headerBytes;
  if (r < 0 || d < 1 || body + r * d * 4 + 4 !== bytes.length) fail(`size does not match ${r} rows × ${d}`);
  let data: Float32Array;
  // the rows in place when they can be (the body starts on a 4-byte boundary: headerBytes % 4 = 0)
  if (LITTLE_ENDIAN && (bytes.byteOffset + body) % 4 === 0) data = new Float32Array(bytes.buffer, bytes.byteOffset + body, r * d);
  else {
    data = new Float32Array(r * d);
    if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(body, body + data.byteLength));
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(body + i * 4, true);
  }
  const list = (errors as unknown[]).map((e) => {
    const { index, message } = (e ?? {}) as { index?: unknown; message?: unknown };
    if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= r || typeof message !== 'string')
      fail('invalid error entry');
    return { index: index as number, message: message as string };
  });
  return { id: id as string, rows: r, dim: d, data, errors: list };
}

/** Reads and checks a shard file; undefined when it does not exist. */
export async function readShard(file: string, expect: { id: string; rows?: number }): Promise<Shard | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return decodeShard(file, bytes, expect);
}
