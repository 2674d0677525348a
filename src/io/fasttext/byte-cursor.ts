import { FileFormatError } from '../../errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Little-endian reads over a file's bytes that check every size against what is left before
 * allocating, so a truncated or corrupt file gives a FileFormatError naming the file, never a
 * huge allocation or a RangeError.
 */
export class ByteCursor {
  private readonly view: DataView;
  offset = 0;

  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  fail(problem: string): never {
    throw new FileFormatError(this.file, problem);
  }

  need(n: number, what: string): void {
    if (n > this.remaining) this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
  }

  int32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }

  /** An int64 that must fit a safe integer (counts and sizes). */
  int64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`${what} out of range (${v})`);
    return Number(v);
  }

  float64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  uint8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++];
  }

  int8(what: string): number {
    this.need(1, what);
    return this.view.getInt8(this.offset++);
  }

  /** A NUL-terminated UTF-8 string. */
  cString(what: string): string {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) this.fail(`truncated: ${what} has no terminating NUL byte`);
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.offset, end - this.offset).toString('utf8');
    this.offset = end + 1;
    return s;
  }

  /** `count` bytes, copied. */
  byteArray(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /**
   * `count` float32 values: a view of the bytes when they are 4-byte aligned (little-endian hosts),
   * else a copy into an aligned array.
   */
  float32Array(count: number, what: string): Float32Array {
    if (!Number.isSafeInteger(count) || count < 0) this.fail(`${what}: invalid size ${count}`);
    this.need(count * 4, what);
    const at = this.bytes.byteOffset + this.offset;
    let out: Float32Array;
    if (at % 4 === 0 && LITTLE_ENDIAN) {
      out = new Float32Array(this.bytes.buffer, at, count);
    } else {
      out = new Float32Array(count);
      new Uint8Array(out.buffer).set(this.bytes.subarray(this.offset, this.offset + count * 4));
    }
    this.offset += count * 4;
    return out;
  }
}
