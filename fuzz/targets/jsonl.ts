import fs from 'node:fs';
import path from 'node:path';
import { readJsonlVectors, streamJsonlVectors, type JsonlBatch, type JsonlVectors } from '../../src/io/matrix/jsonl-read.js';
import { writeJsonlVectors, type JsonlVectorsInput } from '../../src/io/matrix/jsonl-write.js';
import { readVectorsAny, type AnyVectors } from '../../src/io/matrix/read-any.js';
import { finiteProblem, firstProblem, sameFloatsProblem, sameListProblem, shapeProblem, uniqueProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';
import { applyJsonlEdit, jsonlEdits, type JsonlEdit } from './jsonl-edits.js';

type Result = { all: JsonlVectors } | { batches: JsonlBatch[] } | { any: AnyVectors };

const VARIANTS = [
  'readJsonlVectors',
  'readJsonlVectors limit=2',
  'streamJsonlVectors',
  'streamJsonlVectors batchRows=2',
  'readVectorsAny',
] as const;

async function read(file: string, variant: string): Promise<Result> {
  switch (variant) {
    case 'readJsonlVectors':
      return { all: await readJsonlVectors(file) };
    case 'readJsonlVectors limit=2':
      return { all: await readJsonlVectors(file, { limit: 2 }) };
    case 'streamJsonlVectors':
    case 'streamJsonlVectors batchRows=2': {
      const batches: JsonlBatch[] = [];
      for await (const b of streamJsonlVectors(file, variant.endsWith('=2') ? { batchRows: 2 } : {})) batches.push(b);
      return { batches };
    }
    default:
      return { any: await readVectorsAny(file) };
  }
}

function idProblem(ids: readonly unknown[]): string | undefined {
  const bad = ids.findIndex((id) => typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)));
  return firstProblem(bad < 0 ? undefined : `id ${bad} is ${String(ids[bad])}`, uniqueProblem(ids));
}

function checkVectors(v: JsonlVectors, expected: JsonlVectorsInput | undefined, limit: number): string | undefined {
  return firstProblem(
    shapeProblem(v.rows, v.dim, v.data.length),
    v.rows > 0 ? undefined : 'no records, yet no error',
    v.rows <= limit ? undefined : `${v.rows} rows despite limit ${limit}`,
    v.ids.length === v.rows && v.metadata.length === v.rows
      ? undefined
      : `${v.ids.length} ids and ${v.metadata.length} metadata for ${v.rows} rows`,
    finiteProblem(v.data),
    idProblem(v.ids),
    v.metadata.every((m) => m === undefined || (typeof m === 'object' && m !== null && !('id' in m) && !('vector' in m)))
      ? undefined
      : 'bad metadata entry',
    expected && sameListProblem(v.ids, expected.ids.slice(0, limit), 'ids'),
    expected && sameFloatsProblem(v.data, expected.data.subarray(0, Math.min(limit, expected.ids.length) * expected.dim), 'data'),
    expected && JSON.stringify(v.metadata) !== JSON.stringify((expected.metadata ?? expected.ids.map(() => undefined)).slice(0, limit))
      ? 'metadata differ'
      : undefined,
  );
}

function merged(batches: JsonlBatch[]): JsonlVectors | string {
  let row = 0;
  for (const b of batches) {
    if (b.firstRow !== row) return `batch starts at record ${b.firstRow}, expected ${row}`;
    if (b.dim !== batches[0].dim) return `batch of dim ${b.dim} after dim ${batches[0].dim}`;
    const problem = shapeProblem(b.rows, b.dim, b.data.length);
    if (problem) return `batch at ${b.firstRow}: ${problem}`;
    row += b.rows;
  }
  const dim = batches[0]?.dim ?? 1;
  const data = new Float32Array(row * dim);
  batches.forEach((b) => data.set(b.data, b.firstRow * dim));
  return { ids: batches.flatMap((b) => b.ids), data, rows: row, dim, metadata: batches.flatMap((b) => b.metadata) };
}

async function base(dir: string, label: string, input: JsonlVectorsInput, gzip = false): Promise<BaseFile> {
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.jsonl${gzip ? '.gz' : ''}`);
  await writeJsonlVectors(file, input);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const boundaries = gzip
    ? []
    : [...bytes.keys()].filter((i) => bytes[i] === 10 || bytes[i] === 0x5b || bytes[i] === 0x2c).map((i) => i + 1);
  return { label, bytes, ext: gzip ? '.jsonl.gz' : '.jsonl', boundaries, expected: input };
}

/** JSON Lines vector records: readJsonlVectors, streamJsonlVectors, readVectorsAny (gzip too). */
export function jsonlTarget(): FuzzTarget<Result, JsonlEdit> {
  return {
    name: 'jsonl',
    readers: 'readJsonlVectors, streamJsonlVectors, readVectorsAny',
    variants: VARIANTS,
    gzip: true,
    edits: jsonlEdits(),
    applyEdit: applyJsonlEdit,
    bases: async (dir) => [
      await base(dir, '3 × 2 numeric ids', { ids: [1, 2, 30], data: Float32Array.of(0.5, -1, 2, 3e-8, -0, 1e30), dim: 2 }),
      await base(dir, '3 × 3 string ids, metadata', {
        ids: ['a', 'b', 'é x'],
        data: Float32Array.from({ length: 9 }, (_, i) => i - 4),
        dim: 3,
        metadata: [{ tag: 'x', n: [1, { y: null }] }, undefined, { ü: true }],
      }),
      await base(dir, '1 × 5 mixed id', { ids: ['1'], data: Float32Array.of(1, 2, 3, 4, 5), dim: 5 }),
      await base(dir, '4 × 1 ids 1 and "1"', { ids: [1, '1', 0, -7.5], data: Float32Array.of(1, 2, 3, 4), dim: 1 }),
      await base(dir, '2 × 2 gzip', { ids: ['p', 'q'], data: Float32Array.of(1, 2, 3, 4), dim: 2 }, true),
    ],
    read,
    check(result, context: ReadContext) {
      const expected = context.unchanged && !context.base.foreign ? (context.base.expected as JsonlVectorsInput) : undefined;
      if ('all' in result) return checkVectors(result.all, expected, context.variant.endsWith('limit=2') ? 2 : Infinity);
      if ('batches' in result) {
        const all = merged(result.batches);
        return typeof all === 'string' ? all : checkVectors(all, expected, Infinity);
      }
      const any = result.any;
      return firstProblem(
        shapeProblem(any.rows, any.dim, any.data.length),
        any.ids === undefined ? undefined : any.ids.length === any.rows ? idProblem(any.ids) : `${any.ids.length} ids for ${any.rows} rows`,
        any.format === 'jsonl' ? finiteProblem(any.data) : undefined,
        expected && any.ids ? sameListProblem(any.ids, expected.ids, 'ids') : undefined,
      );
    },
  };
}
