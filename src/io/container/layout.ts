import { crc32 } from '../core/crc32.js';

/**
 * The embedkit index container layout, version 1 — documented in docs/formats/container.md.
 * All integers little-endian: a 64-byte preamble, the section table (32 bytes per section), the
 * kind, metadata and section names as UTF-8, then the sections, each at a multiple of 64 bytes.
 */

/** First 8 bytes of every container: `\x89EKI\r\n\x1a\n` (catches text-mode transfers and truncation to nothing). */
export const CONTAINER_MAGIC = Uint8Array.of(0x89, 0x45, 0x4b, 0x49, 0x0d, 0x0a, 0x1a, 0x0a);

/** Container layout version written by this code, and the newest it reads. */
export const CONTAINER_VERSION = 1;

/** Alignment of every section, from the start of the file. */
export const CONTAINER_ALIGN = 64;

/** Size of the fixed preamble. */
export const CONTAINER_PREAMBLE_BYTES = 64;

/** Size of one section table entry. */
export const CONTAINER_ENTRY_BYTES = 32;

/** Byte offsets of the preamble fields. */
export const CONTAINER_FIELD = {
  magic: 0,
  version: 8,
  flags: 12,
  kindVersion: 16,
  sectionCount: 20,
  kindLength: 24,
  metaLength: 28,
  namesLength: 32,
  descriptorCrc: 36,
  fileLength: 40,
  headerCrc: 60,
} as const;

/** Byte offsets of the fields of a section table entry. */
export const CONTAINER_ENTRY_FIELD = { offset: 0, length: 8, crc: 16, nameLength: 20 } as const;

/** A section as listed in the table. */
export interface ContainerEntry {
  name: string;
  /** File offset (a multiple of {@link CONTAINER_ALIGN}). */
  offset: number;
  length: number;
  /** CRC-32 of the section's bytes. */
  crc: number;
}

/** Rounds `n` up to a multiple of {@link CONTAINER_ALIGN}. */
export function alignContainer(n: number): number {
  return Math.ceil(n / CONTAINER_ALIGN) * CONTAINER_ALIGN;
}

/** True when `bytes` start with {@link CONTAINER_MAGIC}. */
export function hasContainerMagic(bytes: Uint8Array): boolean {
  return bytes.length >= CONTAINER_MAGIC.length && CONTAINER_MAGIC.every((b, i) => bytes[i] === b);
}

/** What the writer needs to know of a section before writing it. */
export interface SectionPlan {
  name: string;
  length: number;
  crc: number;
}

/** A planned container: the header bytes (zero padding up to the first section included) and the layout. */
export interface ContainerPlan {
  header: Uint8Array;
  entries: ContainerEntry[];
  fileLength: number;
}

const encoder = new TextEncoder();

/**
 * Lays out a container and encodes its header: preamble (with both checksums), section table,
 * kind, metadata JSON and names, padded with zeros to the first section.
 */
export function planContainer(kind: string, kindVersion: number, metaJson: string, sections: readonly SectionPlan[]): ContainerPlan {
  const kindBytes = encoder.encode(kind);
  const metaBytes = encoder.encode(metaJson);
  const nameBytes = sections.map((s) => encoder.encode(s.name));
  const namesLength = nameBytes.reduce((n, b) => n + b.length, 0);
  const tableEnd = CONTAINER_PREAMBLE_BYTES + CONTAINER_ENTRY_BYTES * sections.length;
  const headerEnd = tableEnd + kindBytes.length + metaBytes.length + namesLength;
  const entries: ContainerEntry[] = [];
  let end = headerEnd;
  for (const section of sections) {
    const offset = alignContainer(end);
    entries.push({ name: section.name, offset, length: section.length, crc: section.crc });
    end = offset + section.length;
  }
  const header = new Uint8Array(entries.length > 0 ? entries[0].offset : headerEnd);
  const view = new DataView(header.buffer);
  header.set(CONTAINER_MAGIC, CONTAINER_FIELD.magic);
  view.setUint32(CONTAINER_FIELD.version, CONTAINER_VERSION, true);
  view.setUint32(CONTAINER_FIELD.flags, 0, true);
  view.setUint32(CONTAINER_FIELD.kindVersion, kindVersion, true);
  view.setUint32(CONTAINER_FIELD.sectionCount, sections.length, true);
  view.setUint32(CONTAINER_FIELD.kindLength, kindBytes.length, true);
  view.setUint32(CONTAINER_FIELD.metaLength, metaBytes.length, true);
  view.setUint32(CONTAINER_FIELD.namesLength, namesLength, true);
  view.setBigUint64(CONTAINER_FIELD.fileLength, BigInt(end), true);
  entries.forEach((entry, i) => {
    const at = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
    view.setBigUint64(at + CONTAINER_ENTRY_FIELD.offset, BigInt(entry.offset), true);
    view.setBigUint64(at + CONTAINER_ENTRY_FIELD.length, BigInt(entry.length), true);
    view.setUint32(at + CONTAINER_ENTRY_FIELD.crc, entry.crc, true);
    view.setUint32(at + CONTAINER_ENTRY_FIELD.nameLength, nameBytes[i].length, true);
  });
  let at = tableEnd;
  for (const part of [kindBytes, metaBytes, ...nameBytes]) {
    header.set(part, at);
    at += part.length;
  }
  view.setUint32(CONTAINER_FIELD.descriptorCrc, crc32(header.subarray(CONTAINER_PREAMBLE_BYTES, headerEnd)), true);
  view.setUint32(CONTAINER_FIELD.headerCrc, crc32(header.subarray(0, CONTAINER_FIELD.headerCrc)), true);
  return { header, entries, fileLength: end };
}
