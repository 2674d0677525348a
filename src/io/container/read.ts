import { FileFormatError, UsageError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { describeNonContainer } from './describe.js';
import {
  CONTAINER_ALIGN,
  CONTAINER_ENTRY_BYTES,
  CONTAINER_ENTRY_FIELD,
  CONTAINER_FIELD,
  CONTAINER_MAGIC,
  CONTAINER_PREAMBLE_BYTES,
  CONTAINER_VERSION,
} from './layout.js';
import { crc32 } from '../core/crc32.js';
import { runReadPlan, runReadPlanSync } from '../core/read-plan.js';

/** Options of {@link readContainer}. */
export interface ReadContainerOptions {
  /** The kind expected (e.g. `'hnsw'`); another kind is an error. Default: any kind. */
  kind?: string;
  /** The newest kind version the caller understands; a newer file is an error. Default: any. */
  maxKindVersion?: number;
  /** Check each section's CRC-32 (default true; about 0.45 s per GB). Header checksums are always checked. */
  verify?: boolean;
}

/** A container read from a file. */
export interface Container {
  /** The file it was read from (for messages). */
  file: string;
  kind: string;
  kindVersion: number;
  meta: Record<string, unknown>;
  /**
   * The sections by name, in file order: views (no copies) into one buffer holding the whole file,
   * each starting at a multiple of 64 bytes of that buffer, so typed-array views of them need no copy.
   */
  sections: Map<string, Uint8Array>;
}

function checkOptions(options: ReadContainerOptions): Required<Pick<ReadContainerOptions, 'verify'>> & ReadContainerOptions {
  if (typeof options !== 'object' || options === null) throw new UsageError('options must be an object');
  const { kind, maxKindVersion, verify = true } = options;
  if (kind !== undefined && (typeof kind !== 'string' || kind.length === 0))
    throw new UsageError(`kind must be a non-empty string, got ${String(kind)}`);
  if (maxKindVersion !== undefined && !(Number.isSafeInteger(maxKindVersion) && maxKindVersion >= 0)) {
    throw new UsageError(`maxKindVersion must be a non-negative integer, got ${String(maxKindVersion)}`);
  }
  if (typeof verify !== 'boolean') throw new UsageError(`verify must be a boolean, got ${String(verify)}`);
  return { kind, maxKindVersion, verify };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Decodes a whole container file held in `fileBytes` (see {@link readContainer} for the checks and
 * errors). The section views share `fileBytes`' buffer, which is copied once if `fileBytes` does not
 * start at a multiple of 64 in it.
 */
export function decodeContainer(file: string, fileBytes: Uint8Array, options: ReadContainerOptions = {}): Container {
  const { kind: expectedKind, maxKindVersion, verify } = checkOptions(options);
  const fail = (problem: string): never => {
    throw new FileFormatError(file, problem);
  };
  const bytes = fileBytes.byteOffset % CONTAINER_ALIGN === 0 ? fileBytes : fileBytes.slice();
  const size = bytes.length;
  if (size === 0) fail('empty file (expected an embedkit index file)');
  for (let i = 0; i < Math.min(size, CONTAINER_MAGIC.length); i++) {
    if (bytes[i] !== CONTAINER_MAGIC[i]) fail(`not an embedkit index file (${describeNonContainer(bytes)})`);
  }
  if (size < CONTAINER_PREAMBLE_BYTES) fail(`truncated: ${size} bytes, shorter than the ${CONTAINER_PREAMBLE_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number, what: string): number => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`corrupt header: ${what} ${value} is too large`);
    return Number(value);
  };
  const version = u32(CONTAINER_FIELD.version);
  if (version > CONTAINER_VERSION)
    fail(`written by a newer embedkit (container version ${version} > ${CONTAINER_VERSION}); upgrade embedkit to read it`);
  if (version === 0) fail('corrupt header: invalid container version 0');
  const storedCrc = u32(CONTAINER_FIELD.headerCrc);
  const headerCrc = crc32(bytes.subarray(0, CONTAINER_FIELD.headerCrc));
  if (storedCrc !== headerCrc) fail(`corrupt header (checksum mismatch: stored ${hex32(storedCrc)}, computed ${hex32(headerCrc)})`);
  const flags = u32(CONTAINER_FIELD.flags);
  if (flags !== 0) fail(`unsupported container flags ${hex32(flags)}; upgrade embedkit to read it`);
  const fileLength = u64(CONTAINER_FIELD.fileLength, 'file length');
  if (size < fileLength) fail(`truncated: the header says the file is ${fileLength} bytes, it is ${size} bytes`);
  if (size > fileLength)
    fail(`${size - fileLength} unexpected bytes after the end of the data (the header says the file is ${fileLength} bytes)`);
  const count = u32(CONTAINER_FIELD.sectionCount);
  const kindLength = u32(CONTAINER_FIELD.kindLength);
  const metaLength = u32(CONTAINER_FIELD.metaLength);
  const tableEnd = CONTAINER_PREAMBLE_BYTES + count * CONTAINER_ENTRY_BYTES;
  const headerEnd = tableEnd + kindLength + metaLength + u32(CONTAINER_FIELD.namesLength);
  if (headerEnd > fileLength)
    fail(`corrupt header: the section table and names (${headerEnd} bytes) extend past the end of the file (${fileLength} bytes)`);
  if (crc32(bytes.subarray(CONTAINER_PREAMBLE_BYTES, headerEnd)) !== u32(CONTAINER_FIELD.descriptorCrc)) {
    fail('corrupt section table (checksum mismatch)');
  }
  if (kindLength < 1 || kindLength > 255) fail(`corrupt header: the kind is ${kindLength} bytes (1 to 255 expected)`);
  const text = (start: number, length: number, what: string): string => {
    try {
      return utf8.decode(bytes.subarray(start, start + length));
    } catch {
      return fail(`corrupt header: ${what} is not valid UTF-8`);
    }
  };
  const kind = text(tableEnd, kindLength, 'the kind');
  if (expectedKind !== undefined && kind !== expectedKind) fail(`is a '${kind}' index, expected '${expectedKind}'`);
  const kindVersion = u32(CONTAINER_FIELD.kindVersion);
  if (maxKindVersion !== undefined && kindVersion > maxKindVersion) {
    fail(`written by a newer embedkit (kind version ${kindVersion} > ${maxKindVersion} for '${kind}'); upgrade embedkit to read it`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text(tableEnd + kindLength, metaLength, 'the metadata'));
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) fail('corrupt header: the metadata is not a JSON object');
  const sections = new Map<string, Uint8Array>();
  let nameAt = tableEnd + kindLength + metaLength;
  let previousEnd = headerEnd;
  for (let i = 0; i < count; i++) {
    const entry = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
    const nameLength = u32(entry + CONTAINER_ENTRY_FIELD.nameLength);
    if (nameAt + nameLength > headerEnd) fail(`corrupt header: the name of section ${i} extends past the names`);
    const name = text(nameAt, nameLength, `the name of section ${i}`);
    nameAt += nameLength;
    const offset = u64(entry + CONTAINER_ENTRY_FIELD.offset, `offset of section '${name}'`);
    const length = u64(entry + CONTAINER_ENTRY_FIELD.length, `length of section '${name}'`);
    if (sections.has(name)) fail(`corrupt header: duplicate section name '${name}'`);
    if (offset % CONTAINER_ALIGN !== 0) fail(`corrupt header: section '${name}' offset ${offset} is not a multiple of ${CONTAINER_ALIGN}`);
    if (offset < previousEnd || offset + length > fileLength) {
      fail(
        `corrupt header: section '${name}' [${offset}, ${offset + length}) overlaps another or lies outside the file (${fileLength} bytes)`,
      );
    }
    if (bytes.subarray(previousEnd, offset).some((b) => b !== 0)) fail(`corrupt: non-zero padding bytes before section '${name}'`);
    const data = bytes.subarray(offset, offset + length);
    if (verify && crc32(data) !== u32(entry + CONTAINER_ENTRY_FIELD.crc)) fail(`section '${name}' is corrupt (checksum mismatch)`);
    sections.set(name, data);
    previousEnd = offset + length;
  }
  if (nameAt !== headerEnd) fail('corrupt header: the names do not fill the names area');
  if (previousEnd !== fileLength) fail(`corrupt header: ${fileLength - previousEnd} bytes after the last section`);
  return { file, kind, kindVersion, meta: meta as Record<string, unknown>, sections };
}

/**
 * Reads an index container written by `writeContainer`: one read of the whole file into one fresh
 * buffer, then checks, each failing with a FileFormatError naming the file: the magic ("not an
 * embedkit index file (found a PNG image)"), the container version ("written by a newer embedkit
 * (container version 2 > 1)"), the header and section-table checksums, the file length ("truncated:
 * …"), the kind ("is a 'flat' index, expected 'hnsw'"), the kind version ("written by a newer embedkit
 * (kind version 3 > 2 …)"), the section bounds and padding, and each section's CRC-32 ("section
 * 'links' is corrupt (checksum mismatch)"). Temporary files left by an interrupted write are separate
 * files and never read. UsageError for bad options.
 */
export async function readContainer(file: string, options: ReadContainerOptions = {}): Promise<Container> {
  checkPath(file);
  checkOptions(options);
  return runReadPlan(file, function* (size) {
    return decodeContainer(file, yield { position: 0, length: size }, options);
  });
}

/** Synchronous {@link readContainer}. */
export function readContainerSync(file: string, options: ReadContainerOptions = {}): Container {
  checkPath(file);
  checkOptions(options);
  return runReadPlanSync(file, function* (size) {
    return decodeContainer(file, yield { position: 0, length: size }, options);
  });
}
