import fc from 'fast-check';
import { JSON_VALUES } from './container-edits.js';

// Structural edits of a JSON Lines file: a record's vector resized, a record duplicated, its id or
// another key set to an odd value, a line replaced. Lines that are not JSON are left alone.

export type JsonlEdit =
  | { line: number; op: 'resize'; length: number }
  | { line: number; op: 'duplicate' }
  | { line: number; op: 'set'; key: string; value: unknown }
  | { line: number; op: 'replace'; text: string };

const DEEP = 5000;

const LINES = [
  '',
  '{}',
  '[]',
  'null',
  '{"id":1}',
  '{"vector":[1]}',
  '{"id":1,"vector":[]}',
  '{"id":1,"vector":[1e39]}',
  '{"id":{},"vector":[1]}',
  '{"id":1,"vector":"1"}',
  '{"id":1,"vector":[1],"id":2}',
  '{"id":"\\ud800","vector":[1]}',
  '['.repeat(DEEP) + ']'.repeat(DEEP),
  `{"id":1,"vector":[1],"m":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`,
];

export function jsonlEdits(): fc.Arbitrary<JsonlEdit> {
  return fc.oneof(
    fc.record({ line: fc.nat(), op: fc.constant('resize' as const), length: fc.constantFrom(0, 1, 2, 3, 7, 1000, 20000, 100000) }),
    fc.record({ line: fc.nat(), op: fc.constant('duplicate' as const) }),
    fc.record({
      line: fc.nat(),
      op: fc.constant('set' as const),
      key: fc.constantFrom('id', 'vector', 'meta', '__proto__'),
      value: fc.oneof(fc.constantFrom(...JSON_VALUES), fc.jsonValue({ maxDepth: 2 })),
    }),
    fc.record({ line: fc.nat(), op: fc.constant('replace' as const), text: fc.constantFrom(...LINES) }),
  );
}

/** Applies `edit` to line `edit.line` (modulo the line count) of a JSON Lines file (throws when that line is not JSON). */
export function applyJsonlEdit(bytes: Uint8Array, edit: JsonlEdit): Uint8Array {
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  const i = edit.line % lines.length;
  switch (edit.op) {
    case 'resize': {
      const record = JSON.parse(lines[i]) as { vector?: unknown };
      record.vector = Array.from({ length: edit.length }, (_, k) => (k % 7) / 4);
      lines[i] = JSON.stringify(record);
      break;
    }
    case 'duplicate':
      lines.splice(i, 0, lines[i]);
      break;
    case 'set': {
      const record = JSON.parse(lines[i]) as Record<string, unknown>;
      Object.defineProperty(record, edit.key, { value: edit.value, enumerable: true, configurable: true, writable: true });
      lines[i] = JSON.stringify(record);
      break;
    }
    case 'replace':
      lines[i] = edit.text;
      break;
  }
  return new Uint8Array(Buffer.from(lines.join('\n')));
}
