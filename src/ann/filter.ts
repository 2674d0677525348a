import { UsageError } from '../errors.js';
import type { Id, Metadata, SearchFilter } from './types.js';

/** The allow bitmap of a filtered search and how many slots it allows. */
export interface AllowBitmap {
  count: number;
}

/**
 * Fills `bits` (one bit per slot) with the slots a filter allows: a predicate is evaluated once per
 * stored vector; an allow-list marks its ids' slots (unknown ids are ignored).
 */
export function buildAllowBitmap(
  filter: SearchFilter,
  bits: Uint8Array,
  slots: number,
  idAt: (slot: number) => Id | undefined,
  metadataAt: (slot: number) => Metadata | undefined,
  slotOf: (id: Id) => number,
): AllowBitmap {
  bits.fill(0);
  let count = 0;
  if (typeof filter === 'function') {
    for (let s = 0; s < slots; s++) {
      const id = idAt(s);
      if (id !== undefined && filter(id, metadataAt(s))) {
        bits[s >> 3] |= 1 << (s & 7);
        count++;
      }
    }
    return { count };
  }
  if (filter === null || typeof filter !== 'object' || typeof (filter as Iterable<Id>)[Symbol.iterator] !== 'function') {
    throw new UsageError('filter must be a function (id, metadata) => boolean or an iterable of ids');
  }
  for (const id of filter as Iterable<Id>) {
    const s = slotOf(id);
    if (s >= 0 && !((bits[s >> 3] >> (s & 7)) & 1)) {
      bits[s >> 3] |= 1 << (s & 7);
      count++;
    }
  }
  return { count };
}
