import fs from 'node:fs';
import path from 'node:path';
import { CONTAINER_ALIGN, CONTAINER_MAGIC } from '../../src/io/container/layout.js';
import { decodeContainer, readContainer, readContainerSync, type Container } from '../../src/io/container/read.js';
import { writeContainer, type ContainerInput } from '../../src/io/container/write.js';
import { firstProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';
import { containerBoundaries, containerFields, fixContainerChecksums } from './container-bytes.js';
import { applyContainerEdit, containerEdits, type ContainerEdit } from './container-edits.js';

const VARIANTS = [
  'readContainer',
  'readContainerSync',
  'readContainer verify=false',
  "readContainer kind='flat' maxKindVersion=1",
  'decodeContainer unaligned',
] as const;

async function read(file: string, variant: string): Promise<Container> {
  switch (variant) {
    case 'readContainer':
      return readContainer(file);
    case 'readContainerSync':
      return readContainerSync(file);
    case 'readContainer verify=false':
      return readContainer(file, { verify: false });
    case "readContainer kind='flat' maxKindVersion=1":
      return readContainer(file, { kind: 'flat', maxKindVersion: 1 });
    default: {
      // bytes not 64-byte aligned in their buffer: the decoder copies them first
      const bytes = fs.readFileSync(file);
      const shifted = new Uint8Array(bytes.length + 3).subarray(3);
      shifted.set(bytes);
      return decodeContainer(file, shifted);
    }
  }
}

function check(c: Container, context: ReadContext): string | undefined {
  const size = fs.statSync(context.file).size;
  let total = 0;
  for (const [name, data] of c.sections) {
    if (!(data instanceof Uint8Array)) return `section '${name}' is not a Uint8Array`;
    if (data.byteOffset % CONTAINER_ALIGN !== 0)
      return `section '${name}' starts at ${data.byteOffset}, not a multiple of ${CONTAINER_ALIGN}`;
    total += data.length;
  }
  const expected = context.unchanged && !context.base.foreign ? (context.base.expected as ContainerInput) : undefined;
  return firstProblem(
    typeof c.kind === 'string' && Buffer.byteLength(c.kind) >= 1 && Buffer.byteLength(c.kind) <= 255
      ? undefined
      : `kind ${JSON.stringify(c.kind)} is not 1–255 bytes`,
    Number.isSafeInteger(c.kindVersion) && c.kindVersion >= 0 ? undefined : `kindVersion ${c.kindVersion}`,
    typeof c.meta === 'object' && c.meta !== null && !Array.isArray(c.meta) ? undefined : 'meta is not an object',
    total <= size ? undefined : `sections hold ${total} bytes of a ${size}-byte file`,
    c.file === context.file ? undefined : `file ${c.file}`,
    context.variant.includes("kind='flat'") && (c.kind !== 'flat' || c.kindVersion > 1)
      ? `kind '${c.kind}' v${c.kindVersion} accepted`
      : undefined,
    expected && sameContainer(c, expected),
  );
}

function sameContainer(c: Container, e: ContainerInput): string | undefined {
  if (c.kind !== e.kind || c.kindVersion !== e.kindVersion) return `kind ${c.kind} v${c.kindVersion}, expected ${e.kind} v${e.kindVersion}`;
  if (JSON.stringify(c.meta) !== JSON.stringify(e.meta ?? {})) return 'metadata differ';
  const names = [...c.sections.keys()];
  if (names.join('\0') !== e.sections.map((s) => s.name).join('\0')) return `sections ${names.join(', ')}`;
  for (const s of e.sections) {
    const expected = new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    if (Buffer.compare(c.sections.get(s.name)!, expected) !== 0) return `section '${s.name}' differs`;
  }
  return undefined;
}

async function base(dir: string, label: string, input: ContainerInput): Promise<BaseFile> {
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.ekx`);
  await writeContainer(file, input);
  const bytes = new Uint8Array(fs.readFileSync(file));
  return { label, bytes, ext: '.ekx', fields: containerFields(bytes), boundaries: containerBoundaries(bytes), expected: input };
}

/** The index container: readContainer(+Sync), decodeContainer, with and without section checksums. */
export function containerTarget(): FuzzTarget<Container, ContainerEdit> {
  return {
    name: 'container',
    readers: 'readContainer(+Sync), decodeContainer',
    variants: VARIANTS,
    gzip: false,
    magic: CONTAINER_MAGIC,
    bases: async (dir) => [
      await base(dir, 'two sections', {
        kind: 'flat',
        kindVersion: 1,
        meta: { a: 1 },
        sections: [
          { name: 'x', data: Uint8Array.of(1, 2, 3) },
          { name: 'yy', data: new Uint8Array(70).fill(9) },
        ],
      }),
      await base(dir, 'no sections', { kind: 'hnsw', kindVersion: 2, meta: {}, sections: [] }),
      await base(dir, 'typed and empty sections', {
        kind: 'flat',
        kindVersion: 0,
        meta: { nested: { list: [1, 'two', null], ok: true }, dim: 5 },
        sections: [
          { name: 'vectors', data: Float32Array.of(1, -0, NaN, 3.5, 1e-40) },
          { name: 'empty', data: new Uint8Array(0) },
          { name: 'ü', data: Int32Array.of(-1) },
        ],
      }),
    ],
    fixChecksums: fixContainerChecksums,
    edits: containerEdits(),
    applyEdit: applyContainerEdit,
    read,
    check,
  };
}
