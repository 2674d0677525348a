import fs from 'node:fs';
import path from 'node:path';
import { NPY_MAGIC } from '../../src/io/matrix/npy-header.js';
import { writeNpy } from '../../src/io/matrix/npy-write.js';
import type { BaseFile, Field } from '../lib/target.js';

/** What a correct read of an npy base gives (`data` of the type readNpy returns). */
export interface ExpectedNpy {
  rows: number;
  dim: number;
  data: Float32Array | Int32Array | Uint8Array | Int8Array;
  shape: number[];
}

/**
 * A `.npy` file as numpy writes it, for what embedkit's writer does not produce: other dtypes,
 * Fortran order, 1-D shapes, format versions 2.0 and 3.0.
 */
function numpyFile(descr: string, shape: number[], fortran: boolean, data: Uint8Array, version: 1 | 2 | 3): Uint8Array {
  const shapeText = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict + ' '.repeat(64 - ((prefix + dict.length + 1) % 64)) + '\n';
  const header = Buffer.from(padded, version === 3 ? 'utf8' : 'latin1');
  const pre = Buffer.alloc(prefix);
  pre.set(NPY_MAGIC, 0);
  pre[6] = version;
  pre[7] = 0;
  if (version === 1) pre.writeUInt16LE(header.length, 8);
  else pre.writeUInt32LE(header.length, 8);
  return new Uint8Array(Buffer.concat([pre, header, data]));
}

function fieldsOf(bytes: Uint8Array): Field[] {
  const wide = bytes[6] !== 1;
  return [
    { name: 'major version', at: 6, bytes: 1 },
    { name: 'minor version', at: 7, bytes: 1 },
    { name: 'header length', at: 8, bytes: wide ? 4 : 2 },
  ];
}

function boundariesOf(bytes: Uint8Array, dataOffset: number, rowBytes: number): number[] {
  const out = [6, 8, 10, 12, dataOffset - 1, dataOffset];
  for (let p = dataOffset; p <= bytes.length; p += rowBytes) out.push(p);
  return out;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function handMade(
  label: string,
  descr: string,
  shape: number[],
  fortran: boolean,
  data: ArrayBufferView,
  version: 1 | 2 | 3,
  expected: ExpectedNpy,
): BaseFile {
  const bytes = numpyFile(descr, shape, fortran, bytesOf(data), version);
  const dataOffset = bytes.length - data.byteLength;
  return {
    label,
    bytes,
    ext: '.npy',
    fields: fieldsOf(bytes),
    boundaries: boundariesOf(bytes, dataOffset, Math.max(1, data.byteLength / Math.max(1, expected.rows))),
    expected,
  };
}

async function written(dir: string, label: string, data: Float32Array | Int32Array | Uint8Array, dim: number): Promise<BaseFile> {
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.npy`);
  await writeNpy(file, { data, dim });
  const bytes = new Uint8Array(fs.readFileSync(file));
  const rows = data.length / dim;
  const expected: ExpectedNpy = { rows, dim, data, shape: [rows, dim] };
  return {
    label,
    bytes,
    ext: '.npy',
    fields: fieldsOf(bytes),
    boundaries: boundariesOf(bytes, bytes.length - data.byteLength, Math.max(1, data.byteLength / Math.max(1, rows))),
    expected,
  };
}

/** Valid `.npy` files: written by writeNpy, and as numpy writes the other supported layouts. */
export async function npyBases(dir: string): Promise<BaseFile[]> {
  const f4 = Float32Array.of(0, -0, 1.5, NaN, Infinity, 3.4e38, 7, 8, 9, 10, 11, 12);
  const fortranData = Float32Array.of(1, 2, 3, 4, 5, 6); // column-major 3 × 2: rows (1,4), (2,5), (3,6)
  const f8 = Float64Array.of(0.1, -2, 0, 3.5, -0, 1e-50);
  const i8 = new BigInt64Array([1n, -2n, 2147483647n, -2147483648n]);
  return [
    await written(dir, '3 × 4 <f4', f4, 4),
    await written(dir, '2 × 3 <i4', Int32Array.of(1, -2, 3, 1 << 24, -(1 << 30), 0), 3),
    await written(dir, '2 × 2 |u1', Uint8Array.of(0, 255, 7, 128), 2),
    await written(dir, '0 × 4 <f4', new Float32Array(0), 4),
    handMade('2 × 3 <f8', '<f8', [2, 3], false, f8, 1, { rows: 2, dim: 3, data: Float32Array.from(f8), shape: [2, 3] }),
    handMade('2 × 2 <i8', '<i8', [2, 2], false, i8, 1, {
      rows: 2,
      dim: 2,
      data: Int32Array.of(1, -2, 2147483647, -2147483648),
      shape: [2, 2],
    }),
    handMade('(5,) |i1', '|i1', [5], false, Int8Array.of(-128, -1, 0, 1, 127), 1, {
      rows: 1,
      dim: 5,
      data: Int8Array.of(-128, -1, 0, 1, 127),
      shape: [5],
    }),
    handMade('3 × 2 <f4 fortran', '<f4', [3, 2], true, fortranData, 1, {
      rows: 3,
      dim: 2,
      data: Float32Array.of(1, 4, 2, 5, 3, 6),
      shape: [3, 2],
    }),
    handMade('2 × 2 <f4 v2.0', '<f4', [2, 2], false, Float32Array.of(1, 2, 3, 4), 2, {
      rows: 2,
      dim: 2,
      data: Float32Array.of(1, 2, 3, 4),
      shape: [2, 2],
    }),
    handMade('1 × 3 <i4 v3.0', '<i4', [1, 3], false, Int32Array.of(5, 6, 7), 3, {
      rows: 1,
      dim: 3,
      data: Int32Array.of(5, 6, 7),
      shape: [1, 3],
    }),
  ];
}
