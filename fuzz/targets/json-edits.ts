import fc from 'fast-check';
import { JSON_VALUES } from './container-edits.js';

/** A key (dotted path) of a JSON document set to an odd value. */
export interface JsonEdit {
  key: string;
  value: unknown;
}

/** Edits of the JSON documents with the given keys (values: odd numbers, strings, nested JSON). */
export function jsonEdits(keys: readonly string[]): fc.Arbitrary<JsonEdit> {
  return fc.record({ key: fc.constantFrom(...keys), value: fc.oneof(fc.constantFrom(...JSON_VALUES), fc.jsonValue({ maxDepth: 2 })) });
}

/** Sets `key` (dotted path; missing parents are left alone) in the parsed `root`. */
export function setPath(root: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = root;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (typeof next !== 'object' || next === null) return;
    node = next as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
