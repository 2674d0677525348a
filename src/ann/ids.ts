import { UsageError } from '../errors.js';
import type { Id } from './types.js';

/**
 * User ids ⇄ internal slots. Numbers and strings are distinct ids (7 ≠ '7'). Slots of removed
 * vectors are reused once the graph no longer refers to them (see `release`).
 */
export class IdMap {
  private readonly bySlot: (Id | undefined)[] = [];
  private readonly numbers = new Map<number, number>();
  private readonly strings = new Map<string, number>();
  private readonly free: number[] = [];

  /** Slot of `id`, or -1. */
  slotOf(id: Id): number {
    const s = typeof id === 'number' ? this.numbers.get(id) : this.strings.get(id);
    return s ?? -1;
  }

  idAt(slot: number): Id | undefined {
    return this.bySlot[slot];
  }

  get size(): number {
    return this.numbers.size + this.strings.size;
  }

  /** Binds `id` to `slot`. */
  set(id: Id, slot: number): void {
    if (typeof id === 'number') this.numbers.set(id, slot);
    else this.strings.set(id, slot);
    this.bySlot[slot] = id;
  }

  /** Unbinds `id` (its slot is not reusable until `release`). Returns the slot or -1. */
  delete(id: Id): number {
    const slot = this.slotOf(id);
    if (slot < 0) return -1;
    if (typeof id === 'number') this.numbers.delete(id);
    else this.strings.delete(id);
    this.bySlot[slot] = undefined;
    return slot;
  }

  /** Makes slots reusable. */
  release(slots: Iterable<number>): void {
    for (const s of slots) this.free.push(s);
  }

  /** A reusable slot, or -1. Lowest first, so files stay dense. */
  takeFree(): number {
    if (this.free.length === 0) return -1;
    this.free.sort((a, b) => b - a);
    return this.free.pop()!;
  }

  get freeCount(): number {
    return this.free.length;
  }

  /**
   * Renumbers slots: the vector in old slot s moves to newSlot[s] (a permutation of 0..n-1, where
   * n covers every slot in use).
   */
  permute(newSlot: Int32Array): void {
    const old = this.bySlot.slice();
    this.bySlot.length = 0;
    for (let s = 0; s < old.length; s++) {
      const id = old[s];
      if (id === undefined) continue;
      const t = newSlot[s];
      this.bySlot[t] = id;
      if (typeof id === 'number') this.numbers.set(id, t);
      else this.strings.set(id, t);
    }
    for (let i = 0; i < this.free.length; i++) this.free[i] = newSlot[this.free[i]];
  }

  /** Every (id, slot) pair. */
  *entries(): IterableIterator<[Id, number]> {
    yield* this.numbers;
    yield* this.strings;
  }
}

/** Checks one user id. */
export function checkId(id: unknown, where: string): Id {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  throw new UsageError(`${where}: ids must be strings or finite numbers, got ${typeof id === 'number' ? id : typeof id}`);
}
