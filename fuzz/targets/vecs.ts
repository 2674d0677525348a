import path from 'node:path';
import fs from 'node:fs';
import { readVectorsAny, type AnyVectors } from '../../src/io/matrix/read-any.js';
import { vecsKindOfPath, type TypedMatrix, type VecsKind } from '../../src/io/matrix/vecs-layout.js';
import { readVecs, readVecsSync } from '../../src/io/matrix/vecs-read.js';
import { streamVecs, type VecsBatch } from '../../src/io/matrix/vecs-stream.js';
import { writeVecs } from '../../src/io/matrix/vecs-write.js';
import { firstProblem, sameListProblem, shapeProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';

type Values = Float32Array | Int32Array | Uint8Array;
type Result = { matrix: TypedMatrix<Values> } | { batches: VecsBatch<Values>[] } | { any: AnyVectors };

interface Expected {
  rows: number;
  dim: number;
  data: Values;
}

const ARRAYS = { fvecs: Float32Array, ivecs: Int32Array, bvecs: Uint8Array } as const;

const VARIANTS = [
  'readVecs',
  'readVecsSync',
  'readVecs offset=1 limit=2',
  'readVecsSync offset=5',
  'streamVecs',
  'streamVecs batchRows=2 offset=1',
  'readVecs as bvecs',
  'readVectorsAny',
] as const;

function kindOf(file: string): VecsKind {
  return vecsKindOfPath(file) ?? 'fvecs';
}

async function read(file: string, variant: string): Promise<Result> {
  const kind = kindOf(file);
  switch (variant) {
    case 'readVecs':
      return { matrix: await readVecs(file, kind) };
    case 'readVecsSync':
      return { matrix: readVecsSync(file, kind) };
    case 'readVecs offset=1 limit=2':
      return { matrix: await readVecs(file, kind, { offset: 1, limit: 2 }) };
    case 'readVecsSync offset=5':
      return { matrix: readVecsSync(file, kind, { offset: 5 }) };
    case 'streamVecs':
    case 'streamVecs batchRows=2 offset=1': {
      const batches: VecsBatch<Values>[] = [];
      const options = variant === 'streamVecs' ? {} : { batchRows: 2, offset: 1 };
      for await (const batch of streamVecs(file, kind, options)) batches.push(batch);
      return { batches };
    }
    case 'readVecs as bvecs':
      return { matrix: await readVecs(file, 'bvecs') };
    default:
      return { any: await readVectorsAny(file) };
  }
}

/** The rows `[first, first + count)` of the expected matrix, as the variant selects them. */
function expectedRows(variant: string, e: Expected): Values {
  const all = e.data;
  if (variant.includes('offset=1 limit=2')) return all.subarray(e.dim, 3 * e.dim);
  if (variant.includes('offset=5')) return all.subarray(Math.min(5, e.rows) * e.dim);
  if (variant.includes('offset=1')) return all.subarray(Math.min(1, e.rows) * e.dim);
  return all;
}

function checkMatrix(m: TypedMatrix<Values>, type: (typeof ARRAYS)[VecsKind], expected: Values | undefined): string | undefined {
  return firstProblem(
    m.data instanceof type ? undefined : `data is a ${m.data.constructor.name}, expected a ${type.name}`,
    shapeProblem(m.rows, m.dim, m.data.length),
    expected && sameListProblem(m.data, expected, 'data'),
  );
}

function checkBatches(
  batches: VecsBatch<Values>[],
  type: (typeof ARRAYS)[VecsKind],
  variant: string,
  expected: Values | undefined,
): string | undefined {
  const first = variant.includes('offset=1') ? 1 : 0;
  let row = batches[0]?.firstRow ?? first;
  const values: number[] = [];
  for (const b of batches) {
    const problem = firstProblem(
      b.firstRow === row ? undefined : `batch starts at row ${b.firstRow}, expected ${row}`,
      b.rows >= 1 ? undefined : 'an empty batch',
      b.dim === batches[0].dim ? undefined : `batch of dim ${b.dim} after dim ${batches[0].dim}`,
      checkMatrix(b, type, undefined),
    );
    if (problem) return problem;
    row += b.rows;
    values.push(...b.data);
  }
  return expected && sameListProblem(values, expected, 'data');
}

function checkAny(r: AnyVectors, expected: Values | undefined): string | undefined {
  return firstProblem(shapeProblem(r.rows, r.dim, r.data.length), expected && sameListProblem(r.data, Float32Array.from(expected), 'data'));
}

async function base(dir: string, label: string, kind: VecsKind, dim: number, data: Values): Promise<BaseFile> {
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.${kind}`);
  await writeVecs(file, kind, { data, dim } as never);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const rows = data.length / dim;
  const rowBytes = 4 + dim * (kind === 'bvecs' ? 1 : 4);
  const boundaries = Array.from({ length: rows + 1 }, (_, i) => i * rowBytes).flatMap((b) => [b, b + 4]);
  const fields = [0, 1, rows - 1]
    .filter((r) => r >= 0 && r < rows)
    .map((r) => ({ name: `dim of row ${r}`, at: r * rowBytes, bytes: 4 as const }));
  const expected: Expected = { rows, dim, data };
  return { label, bytes, ext: `.${kind}`, fields, boundaries, expected };
}

/** `.fvecs` / `.ivecs` / `.bvecs`: readVecs(+Sync), streamVecs, readVectorsAny. */
export function vecsTarget(): FuzzTarget<Result> {
  return {
    name: 'vecs',
    readers: 'readVecs(+Sync) fvecs/ivecs/bvecs, streamVecs, readVectorsAny',
    variants: VARIANTS,
    gzip: false,
    bases: async (dir) => [
      await base(dir, '3 × 4 floats', 'fvecs', 4, Float32Array.of(0, -0, 1.5, NaN, Infinity, -1e-45, 3.4e38, 7, 8, 9, 10, 11)),
      await base(dir, '1 × 1 float', 'fvecs', 1, Float32Array.of(42)),
      await base(
        dir,
        '6 × 2 floats',
        'fvecs',
        2,
        Float32Array.from({ length: 12 }, (_, i) => i / 3),
      ),
      await base(
        dir,
        '4 × 3 ints',
        'ivecs',
        3,
        Int32Array.from({ length: 12 }, (_, i) => (i - 6) * 1000),
      ),
      await base(dir, '2 × 2 large ints', 'ivecs', 2, Int32Array.of(1 << 24, -(1 << 24), 2 ** 31 - 1, -(2 ** 31))),
      await base(dir, '2 × 5 bytes', 'bvecs', 5, Uint8Array.of(0, 1, 2, 254, 255, 9, 8, 7, 6, 5)),
    ],
    read,
    check(result, context: ReadContext) {
      const kind = context.variant === 'readVecs as bvecs' ? 'bvecs' : kindOf(context.file);
      const e =
        context.unchanged && !context.base.foreign && context.variant !== 'readVecs as bvecs'
          ? (context.base.expected as Expected)
          : undefined;
      const expected = e && expectedRows(context.variant, e);
      if ('matrix' in result) return checkMatrix(result.matrix, ARRAYS[kind], expected);
      if ('batches' in result) return checkBatches(result.batches, ARRAYS[kind], context.variant, expected);
      const exact = !e || e.data instanceof Float32Array || Array.from(e.data).every((v) => Math.abs(v) <= 1 << 24);
      return checkAny(result.any, exact ? expected : undefined);
    },
  };
}
