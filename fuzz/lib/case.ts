import fc from 'fast-check';
import { INTERESTING_BYTES, INTERESTING_INTEGERS, INTERESTING_TOKENS } from './interesting.js';
import type { BaseFile, FuzzTarget } from './target.js';

/** A value for a binary field: absolute, relative to its current value, or relative to the file size. */
export type FieldValue = { abs: bigint } | { delta: number } | { sizePlus: number };

/**
 * One change to a file's bytes. Positions are taken modulo the current length (so they shrink
 * towards the start of the file), indices modulo the number of fields / tokens / boundaries / bases.
 */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'cut'; boundary: number; delta: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'splice'; other: number; cutA: number; cutB: number }
  | { kind: 'field'; field: number; value: FieldValue }
  | { kind: 'token'; index: number; bytes: Uint8Array }
  | { kind: 'edit'; edit: unknown };

/** Where gzip comes in: not at all, around the mutated content, or mutated itself. */
export type GzipMode = 'none' | 'after' | 'before';

/** One fuzz case: a base file (or random bytes), mutations, gzip, checksum repair, and how to read it. */
export interface FuzzCase {
  base: number;
  /** Instead of a base file: random bytes, after the format's magic when `magic`. */
  random?: { magic: boolean; bytes: Uint8Array };
  steps: Mutation[];
  gzip: GzipMode;
  /** Recompute the format's checksums after the mutations (reaches the checks behind them). */
  fix: boolean;
  variant: number;
}

const position = fc.nat();

function fieldValue(): fc.Arbitrary<FieldValue> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INTERESTING_INTEGERS).map((abs) => ({ abs })) },
    { weight: 3, arbitrary: fc.integer({ min: -70, max: 70 }).map((delta) => ({ delta })) },
    { weight: 1, arbitrary: fc.integer({ min: -70, max: 70 }).map((sizePlus) => ({ sizePlus })) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((abs) => ({ abs })) },
  );
}

function mutation(target: FuzzTarget, bases: readonly BaseFile[]): fc.Arbitrary<Mutation> {
  const hasFields = bases.some((b) => (b.fields?.length ?? 0) > 0);
  const options: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip'), at: position, bit: fc.nat(7) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('set'), at: position, value: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat(255)) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate'), at: position }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut'), boundary: fc.nat(), delta: fc.integer({ min: -2, max: 2 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('insert'), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete'), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('repeat'),
        at: position,
        length: fc.integer({ min: 1, max: 64 }),
        times: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 9, max: 3000 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('append'), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('splice'), other: fc.nat(), cutA: position, cutB: position }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('token'),
        index: fc.nat(),
        bytes: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...INTERESTING_TOKENS) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
        ),
      }),
    },
  ];
  if (hasFields) options.push({ weight: 4, arbitrary: fc.record({ kind: fc.constant('field'), field: fc.nat(), value: fieldValue() }) });
  if (target.edits) options.push({ weight: 4, arbitrary: target.edits.map((edit) => ({ kind: 'edit' as const, edit })) });
  return fc.oneof(...options);
}

/** A base file: one of the target's own six times out of seven, else a foreign one. */
function baseIndex(bases: readonly BaseFile[]): fc.Arbitrary<number> {
  const own = bases.flatMap((b, i) => (b.foreign ? [] : [i]));
  const foreign = bases.flatMap((b, i) => (b.foreign ? [i] : []));
  if (own.length === 0 || foreign.length === 0) return fc.nat(bases.length - 1);
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...foreign) });
}

/** The fuzz cases of `target` over its base files. */
export function caseArbitrary(target: FuzzTarget, bases: readonly BaseFile[]): fc.Arbitrary<FuzzCase> {
  const random = fc.record({ magic: fc.boolean(), bytes: fc.uint8Array({ maxLength: 600 }) });
  return fc.record({
    base: baseIndex(bases),
    random: fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: random }),
    steps: fc.oneof(
      { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
      { weight: 6, arbitrary: fc.array(mutation(target, bases), { minLength: 1, maxLength: 2 }) },
      { weight: 2, arbitrary: fc.array(mutation(target, bases), { minLength: 3, maxLength: 6 }) },
    ),
    gzip: target.gzip ? fc.constantFrom<GzipMode>('none', 'none', 'none', 'after', 'before') : fc.constant<GzipMode>('none'),
    fix: target.fixChecksums ? fc.boolean() : fc.constant(false),
    variant: fc.nat(target.variants.length - 1),
  });
}
