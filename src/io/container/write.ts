import { UsageError } from '../../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../core/atomic-write.js';
import { checkPath } from '../core/check-path.js';
import { planContainer, type ContainerPlan } from './layout.js';
import { crc32 } from '../core/crc32.js';
import { HOST_IS_LITTLE_ENDIAN } from '../core/float32-bytes.js';

/** One named section: raw bytes, or any typed array / DataView (its bytes are written). */
export interface ContainerSectionInput {
  name: string;
  data: Uint8Array | ArrayBufferView;
}

/** What {@link writeContainer} writes. */
export interface ContainerInput {
  /** What the container holds, e.g. `'hnsw'`: 1–255 bytes of UTF-8 without control characters. */
  kind: string;
  /** Version of the kind's own layout (an integer 0 … 2^32 − 1); readers refuse newer ones than they know. */
  kindVersion: number;
  /** JSON metadata (a plain object; default `{}`). */
  meta?: Record<string, unknown>;
  /** The sections, in file order; names must be unique, 1–1024 bytes of UTF-8. */
  sections: readonly ContainerSectionInput[];
}

/** Bytes handed to the file system per write call (views, never copies). */
const WRITE_CHUNK = 16 << 20;
const ZEROS = new Uint8Array(64);
const encoder = new TextEncoder();

function checkText(what: string, text: unknown, maxBytes: number): asserts text is string {
  if (typeof text !== 'string' || text.length === 0)
    throw new UsageError(`${what} must be a non-empty string, got ${JSON.stringify(text)}`);
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new UsageError(`${what} ${JSON.stringify(text)} contains control characters`);
  if (encoder.encode(text).length > maxBytes) throw new UsageError(`${what} is longer than ${maxBytes} bytes of UTF-8`);
}

/**
 * The little-endian bytes of a section: a view on little-endian hosts; on big-endian hosts typed
 * arrays of multi-byte elements are byte-swapped into a copy, so files are the same everywhere.
 */
function sectionBytes(data: ArrayBufferView): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  if (HOST_IS_LITTLE_ENDIAN || size === 1) return bytes;
  const copy = bytes.slice();
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return copy;
}

interface PreparedContainer {
  plan: ContainerPlan;
  sections: Uint8Array[];
}

/** Validates `input` (UsageError), computes the section checksums and lays out the file. */
function prepare(input: ContainerInput): PreparedContainer {
  if (typeof input !== 'object' || input === null) throw new UsageError('writeContainer needs { kind, kindVersion, meta, sections }');
  const { kind, kindVersion, meta = {}, sections } = input;
  checkText('kind', kind, 255);
  if (!Number.isSafeInteger(kindVersion) || kindVersion < 0 || kindVersion > 0xffffffff) {
    throw new UsageError(`kindVersion must be an integer from 0 to 2^32 - 1, got ${String(kindVersion)}`);
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new UsageError('meta must be a plain object');
  let metaJson: string;
  try {
    metaJson = JSON.stringify(meta);
  } catch (error) {
    throw new UsageError(`meta cannot be written as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(sections)) throw new UsageError('sections must be an array of { name, data }');
  const names = new Set<string>();
  const bytes = sections.map((section: ContainerSectionInput, i) => {
    checkText(`sections[${i}].name`, section?.name, 1024);
    if (names.has(section.name)) throw new UsageError(`duplicate section name '${section.name}'`);
    names.add(section.name);
    if (!ArrayBuffer.isView(section.data))
      throw new UsageError(`section '${section.name}': data must be a Uint8Array, typed array or DataView`);
    return sectionBytes(section.data);
  });
  const plan = planContainer(
    kind,
    kindVersion,
    metaJson,
    sections.map((section, i) => ({ name: section.name, length: bytes[i].length, crc: crc32(bytes[i]) })),
  );
  return { plan, sections: bytes };
}

/** The file's bytes: the header, then each section (as views of the caller's data) after its zero padding. */
function* containerChunks({ plan, sections }: PreparedContainer): Generator<Uint8Array> {
  yield plan.header;
  let position = plan.header.length;
  for (let i = 0; i < sections.length; i++) {
    const { offset } = plan.entries[i];
    if (offset > position) yield ZEROS.subarray(0, offset - position);
    const bytes = sections[i];
    for (let start = 0; start < bytes.length; start += WRITE_CHUNK)
      yield bytes.subarray(start, Math.min(bytes.length, start + WRITE_CHUNK));
    position = offset + bytes.length;
  }
}

/**
 * Writes an index container (docs/formats/container.md): header with magic, versions, kind, JSON
 * metadata and a checksummed section table, then each section at a multiple of 64 bytes.
 * Atomic: the bytes go to a temporary file in the same directory, which is fsynced and renamed over
 * `file` only when complete; if the process dies first, `file` keeps its previous content (a stale
 * `.<name>.<pid>.<random>.tmp` file may remain: see `cleanupStaleTemps`). The sections are
 * streamed from the caller's memory in 16 MiB pieces, never concatenated (one extra pass computes
 * their CRC-32 first). Invalid input is a UsageError, thrown before any file is created.
 */
export async function writeContainer(file: string, input: ContainerInput): Promise<void> {
  checkPath(file);
  const prepared = prepare(input);
  await writeFileAtomic(file, containerChunks(prepared));
}

/** Synchronous {@link writeContainer}. */
export function writeContainerSync(file: string, input: ContainerInput): void {
  checkPath(file);
  writeFileAtomicSync(file, containerChunks(prepare(input)));
}
