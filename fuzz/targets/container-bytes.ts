import {
  CONTAINER_ENTRY_BYTES,
  CONTAINER_ENTRY_FIELD,
  CONTAINER_FIELD,
  CONTAINER_PREAMBLE_BYTES,
  planContainer,
} from '../../src/io/container/layout.js';
import { crc32 } from '../../src/io/core/crc32.js';
import type { Field } from '../lib/target.js';

// Byte-level helpers for fuzzing index containers (docs/formats/container.md): the header fields,
// checksum repair, and re-encoding a container whose parts were edited.

/** The parts of a container as stored, without any validation (for editing and re-encoding). */
export interface ContainerParts {
  kind: string;
  kindVersion: number;
  metaJson: string;
  sections: { name: string; data: Uint8Array }[];
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The preamble fields and the fields of every table entry that fits in `bytes`. */
export function containerFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [
    { name: 'version', at: CONTAINER_FIELD.version, bytes: 4 },
    { name: 'flags', at: CONTAINER_FIELD.flags, bytes: 4 },
    { name: 'kindVersion', at: CONTAINER_FIELD.kindVersion, bytes: 4 },
    { name: 'sectionCount', at: CONTAINER_FIELD.sectionCount, bytes: 4 },
    { name: 'kindLength', at: CONTAINER_FIELD.kindLength, bytes: 4 },
    { name: 'metaLength', at: CONTAINER_FIELD.metaLength, bytes: 4 },
    { name: 'namesLength', at: CONTAINER_FIELD.namesLength, bytes: 4 },
    { name: 'descriptorCrc', at: CONTAINER_FIELD.descriptorCrc, bytes: 4 },
    { name: 'fileLength', at: CONTAINER_FIELD.fileLength, bytes: 8 },
    { name: 'reserved', at: 48, bytes: 8 },
    { name: 'headerCrc', at: CONTAINER_FIELD.headerCrc, bytes: 4 },
  ];
  const count = bytes.length >= CONTAINER_PREAMBLE_BYTES ? view(bytes).getUint32(CONTAINER_FIELD.sectionCount, true) : 0;
  for (let i = 0; i < Math.min(count, 16); i++) {
    const at = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
    fields.push(
      { name: `section ${i} offset`, at: at + CONTAINER_ENTRY_FIELD.offset, bytes: 8 },
      { name: `section ${i} length`, at: at + CONTAINER_ENTRY_FIELD.length, bytes: 8 },
      { name: `section ${i} crc`, at: at + CONTAINER_ENTRY_FIELD.crc, bytes: 4 },
      { name: `section ${i} nameLength`, at: at + CONTAINER_ENTRY_FIELD.nameLength, bytes: 4 },
      { name: `section ${i} reserved`, at: at + 24, bytes: 8 },
    );
  }
  return fields;
}

/** Offsets where a container's parts begin and end: preamble, table, strings, every section. */
export function containerBoundaries(bytes: Uint8Array): number[] {
  const v = view(bytes);
  const count = v.getUint32(CONTAINER_FIELD.sectionCount, true);
  const tableEnd = CONTAINER_PREAMBLE_BYTES + count * CONTAINER_ENTRY_BYTES;
  const kindEnd = tableEnd + v.getUint32(CONTAINER_FIELD.kindLength, true);
  const metaEnd = kindEnd + v.getUint32(CONTAINER_FIELD.metaLength, true);
  const out = [8, 12, 20, 40, 60, 64, tableEnd, kindEnd, metaEnd, metaEnd + v.getUint32(CONTAINER_FIELD.namesLength, true)];
  for (let i = 0; i < count; i++) {
    const at = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
    const offset = Number(v.getBigUint64(at, true));
    out.push(offset, offset + Number(v.getBigUint64(at + 8, true)));
  }
  return out;
}

/**
 * Recomputes every checksum of a (mutated) container from its own fields: each section's CRC where
 * the section lies in the file, the descriptor CRC, the header CRC. Throws when not even the
 * preamble is there.
 */
export function fixContainerChecksums(bytes: Uint8Array): Uint8Array {
  if (bytes.length < CONTAINER_PREAMBLE_BYTES) return bytes;
  const out = Uint8Array.from(bytes);
  const v = view(out);
  const count = v.getUint32(CONTAINER_FIELD.sectionCount, true);
  const tableEnd = CONTAINER_PREAMBLE_BYTES + count * CONTAINER_ENTRY_BYTES;
  const headerEnd =
    tableEnd +
    v.getUint32(CONTAINER_FIELD.kindLength, true) +
    v.getUint32(CONTAINER_FIELD.metaLength, true) +
    v.getUint32(CONTAINER_FIELD.namesLength, true);
  if (tableEnd <= out.length) {
    for (let i = 0; i < count; i++) {
      const at = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
      const offset = Number(v.getBigUint64(at + CONTAINER_ENTRY_FIELD.offset, true));
      const length = Number(v.getBigUint64(at + CONTAINER_ENTRY_FIELD.length, true));
      if (offset + length <= out.length) v.setUint32(at + CONTAINER_ENTRY_FIELD.crc, crc32(out.subarray(offset, offset + length)), true);
    }
  }
  if (headerEnd <= out.length) v.setUint32(CONTAINER_FIELD.descriptorCrc, crc32(out.subarray(CONTAINER_PREAMBLE_BYTES, headerEnd)), true);
  v.setUint32(CONTAINER_FIELD.headerCrc, crc32(out.subarray(0, CONTAINER_FIELD.headerCrc)), true);
  return out;
}

const utf8 = new TextDecoder();

/** The parts of a well-formed container (throws on anything the layout does not allow). */
export function containerParts(bytes: Uint8Array): ContainerParts {
  const v = view(bytes);
  const count = v.getUint32(CONTAINER_FIELD.sectionCount, true);
  const kindLength = v.getUint32(CONTAINER_FIELD.kindLength, true);
  const metaLength = v.getUint32(CONTAINER_FIELD.metaLength, true);
  let at = CONTAINER_PREAMBLE_BYTES + count * CONTAINER_ENTRY_BYTES;
  if (at + kindLength + metaLength > bytes.length) throw new RangeError('not a container');
  const kind = utf8.decode(bytes.subarray(at, (at += kindLength)));
  const metaJson = utf8.decode(bytes.subarray(at, (at += metaLength)));
  const sections: ContainerParts['sections'] = [];
  for (let i = 0; i < count; i++) {
    const entry = CONTAINER_PREAMBLE_BYTES + i * CONTAINER_ENTRY_BYTES;
    const nameLength = v.getUint32(entry + CONTAINER_ENTRY_FIELD.nameLength, true);
    const name = utf8.decode(bytes.subarray(at, (at += nameLength)));
    const offset = Number(v.getBigUint64(entry + CONTAINER_ENTRY_FIELD.offset, true));
    const length = Number(v.getBigUint64(entry + CONTAINER_ENTRY_FIELD.length, true));
    if (offset + length > bytes.length) throw new RangeError('section outside the file');
    sections.push({ name, data: bytes.slice(offset, offset + length) });
  }
  return { kind, kindVersion: v.getUint32(CONTAINER_FIELD.kindVersion, true), metaJson, sections };
}

/** The bytes of a container holding `parts` (valid layout and checksums, whatever the parts say). */
export function encodeContainer(parts: ContainerParts): Uint8Array {
  const plan = planContainer(
    parts.kind,
    parts.kindVersion,
    parts.metaJson,
    parts.sections.map((s) => ({ name: s.name, length: s.data.length, crc: crc32(s.data) })),
  );
  const out = new Uint8Array(plan.fileLength);
  out.set(plan.header, 0);
  plan.entries.forEach((entry, i) => out.set(parts.sections[i].data, entry.offset));
  return out;
}
