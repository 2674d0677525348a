import { readVectorsAny, type AnyVectors } from '../../src/io/matrix/read-any.js';
import { NPY_MAGIC } from '../../src/io/matrix/npy-header.js';
import { readNpy, readNpySync, type NpyMatrix } from '../../src/io/matrix/npy-read.js';
import { firstProblem, sameListProblem, shapeProblem } from '../lib/checks.js';
import type { FuzzTarget, ReadContext } from '../lib/target.js';
import { npyBases, type ExpectedNpy } from './npy-bases.js';
import { applyNpyEdit, npyEdits, type NpyEdit } from './npy-edits.js';

type Result = { npy: NpyMatrix } | { any: AnyVectors };

const VARIANTS = ['readNpy', 'readNpySync', 'readNpy offset=1 limit=1', 'readNpySync limit=0', 'readVectorsAny'] as const;

async function read(file: string, variant: string): Promise<Result> {
  switch (variant) {
    case 'readNpy':
      return { npy: await readNpy(file) };
    case 'readNpySync':
      return { npy: readNpySync(file) };
    case 'readNpy offset=1 limit=1':
      return { npy: await readNpy(file, { offset: 1, limit: 1 }) };
    case 'readNpySync limit=0':
      return { npy: readNpySync(file, { limit: 0 }) };
    default:
      return { any: await readVectorsAny(file) };
  }
}

function selected(variant: string, e: ExpectedNpy): ExpectedNpy['data'] {
  if (variant.includes('offset=1')) return e.data.subarray(Math.min(1, e.rows) * e.dim, Math.min(2, e.rows) * e.dim);
  if (variant.includes('limit=0')) return e.data.subarray(0, 0);
  return e.data;
}

function checkNpy(m: NpyMatrix, expected: ExpectedNpy | undefined, variant: string): string | undefined {
  const { shape } = m;
  const shapeOk =
    (shape.length === 1 && m.dim === shape[0] && m.rows <= 1) || (shape.length === 2 && m.dim === shape[1] && m.rows <= shape[0]);
  return firstProblem(
    shapeProblem(m.rows, m.dim, m.data.length),
    m.data.length === m.rows * m.dim ? undefined : `${m.data.length} values for ${m.rows} × ${m.dim}`,
    shapeOk ? undefined : `rows ${m.rows} × dim ${m.dim} do not fit the shape (${shape.join(', ')})`,
    typeof m.descr === 'string' ? undefined : 'descr is not a string',
    expected && sameListProblem(m.data, selected(variant, expected), 'data'),
    expected && sameListProblem(m.shape, expected.shape, 'shape'),
  );
}

/** `.npy`: readNpy(+Sync) with and without row slices, readVectorsAny. */
export function npyTarget(): FuzzTarget<Result, NpyEdit> {
  return {
    name: 'npy',
    readers: 'readNpy(+Sync), readVectorsAny',
    variants: VARIANTS,
    gzip: false,
    magic: NPY_MAGIC,
    bases: npyBases,
    edits: npyEdits(),
    applyEdit: applyNpyEdit,
    read,
    check(result, context: ReadContext) {
      const expected = context.unchanged && !context.base.foreign ? (context.base.expected as ExpectedNpy) : undefined;
      if ('npy' in result) return checkNpy(result.npy, expected, context.variant);
      const any = result.any;
      const exact = expected && Array.from(expected.data).every((v) => !(Math.abs(v) > 1 << 24));
      return firstProblem(
        shapeProblem(any.rows, any.dim, any.data.length),
        exact ? sameListProblem(any.data, Float32Array.from(expected.data), 'data') : undefined,
      );
    },
  };
}
