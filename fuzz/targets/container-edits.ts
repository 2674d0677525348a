import fc from 'fast-check';
import { containerParts, encodeContainer, type ContainerParts } from './container-bytes.js';

// Structural edits of an index container that keep its layout and checksums valid, so the checks
// behind them (metadata, names, the index's own sections) are what gets exercised.

export type ContainerEdit =
  | { part: 'meta'; text: string }
  | { part: 'meta-field'; key: string; value: unknown }
  | { part: 'kind'; text: string }
  | { part: 'kindVersion'; value: number }
  | { part: 'name'; section: number; text: string }
  | { part: 'section'; section: number; op: 'truncate' | 'grow' | 'drop' | 'duplicate' | 'flip' | 'int32'; at: number; value: number };

const DEEP = 5000;

/** JSON-ish texts for the metadata. */
const META_TEXTS = [
  '',
  ' ',
  'null',
  '[]',
  '1',
  '"x"',
  '{',
  '{"a":1',
  '{}',
  '{"a":1}{}',
  '{"__proto__":{"x":1}}',
  '[{}]',
  '\uFEFF{}',
  '{"a":1e999}',
  '[',
  '['.repeat(DEEP) + ']'.repeat(DEEP),
  '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
];

/** Values for a metadata field. */
export const JSON_VALUES: unknown[] = [
  0,
  -1,
  1,
  2,
  3,
  7,
  16,
  255,
  256,
  65536,
  65537,
  1.5,
  -0.5,
  1e9,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  1e300,
  null,
  true,
  false,
  '',
  'x',
  '1',
  'flat',
  'hnsw',
  'cosine',
  'l2',
  'ip',
  'hamming',
  'none',
  'int8',
  'binary',
  'per-dimension',
  'global',
  'number',
  'json',
  [],
  {},
  [1],
];

function sectionEdit(): fc.Arbitrary<ContainerEdit> {
  return fc.record({
    part: fc.constant('section' as const),
    section: fc.nat(),
    op: fc.constantFrom('truncate' as const, 'grow' as const, 'drop' as const, 'duplicate' as const, 'flip' as const, 'int32' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, -1, 1, 2, 16, 255, 2 ** 31 - 1, -(2 ** 31)), fc.integer()),
  });
}

/** Edits of a container: its metadata text, kind, kind version, names and sections. */
export function containerEdits(metaKeys: readonly string[] = []): fc.Arbitrary<ContainerEdit> {
  const options: fc.Arbitrary<ContainerEdit>[] = [
    fc.record({ part: fc.constant('meta' as const), text: fc.oneof(fc.constantFrom(...META_TEXTS), fc.json()) }),
    fc.record({ part: fc.constant('kind' as const), text: fc.constantFrom('', 'flat', 'hnsw', 'x'.repeat(300), 'é', 'ekv') }),
    fc.record({ part: fc.constant('kindVersion' as const), value: fc.constantFrom(0, 1, 2, 2 ** 32 - 1) }),
    fc.record({
      part: fc.constant('name' as const),
      section: fc.nat(),
      text: fc.constantFrom('', 'x', 'vectors', 'ids', 'links0', 'pool', 'é'.repeat(600)),
    }),
    sectionEdit(),
  ];
  if (metaKeys.length > 0) {
    const field = fc.record({
      part: fc.constant('meta-field' as const),
      key: fc.constantFrom(...metaKeys),
      value: fc.constantFrom(...JSON_VALUES),
    });
    options.push(field, field, field);
  }
  return fc.oneof(...options);
}

function editSection(parts: ContainerParts, edit: Extract<ContainerEdit, { part: 'section' }>): void {
  if (parts.sections.length === 0) return;
  const i = edit.section % parts.sections.length;
  const s = parts.sections[i];
  const n = s.data.length;
  switch (edit.op) {
    case 'truncate':
      s.data = s.data.slice(0, n === 0 ? 0 : edit.at % n);
      break;
    case 'grow':
      s.data = new Uint8Array(Buffer.concat([s.data, new Uint8Array(1 + (edit.at % 64))]));
      break;
    case 'drop':
      parts.sections.splice(i, 1);
      break;
    case 'duplicate':
      parts.sections.push({ name: `${s.name}`, data: s.data });
      break;
    case 'flip':
      if (n > 0) s.data[edit.at % n] ^= 1 << (edit.value & 7);
      break;
    case 'int32':
      if (n >= 4) new DataView(s.data.buffer, s.data.byteOffset, n).setInt32(4 * ((edit.at % Math.floor(n / 4)) | 0), edit.value, true);
      break;
  }
}

/** Applies `edit` to a well-formed container (throws when `bytes` is not one). */
export function applyContainerEdit(bytes: Uint8Array, edit: ContainerEdit): Uint8Array {
  const parts = containerParts(bytes);
  switch (edit.part) {
    case 'meta':
      parts.metaJson = edit.text;
      break;
    case 'meta-field': {
      const meta = JSON.parse(parts.metaJson) as Record<string, unknown>;
      meta[edit.key] = edit.value;
      parts.metaJson = JSON.stringify(meta);
      break;
    }
    case 'kind':
      parts.kind = edit.text;
      break;
    case 'kindVersion':
      parts.kindVersion = edit.value;
      break;
    case 'name':
      if (parts.sections.length > 0) parts.sections[edit.section % parts.sections.length].name = edit.text;
      break;
    case 'section':
      editSection(parts, edit);
      break;
  }
  return encodeContainer(parts);
}
