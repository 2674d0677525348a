import { formatPyLiteral, type PyValue } from './py-literal.js';

// The numpy dtypes `.npy` readers accept, and what each becomes in JavaScript.

/** Typed arrays returned for `.npy` data. */
export type NpyArray = Float32Array | Int32Array | Uint8Array | Int8Array;

/** A supported dtype. */
export interface NpyDtype {
  /** Canonical numpy descr, e.g. `'<f4'`. */
  descr: string;
  /** Bytes per value in the file. */
  itemBytes: number;
  /** The JavaScript array the values are returned in. */
  output: 'float32' | 'int32' | 'uint8' | 'int8';
}

const DTYPES: Record<string, NpyDtype> = {
  f4: { descr: '<f4', itemBytes: 4, output: 'float32' },
  f8: { descr: '<f8', itemBytes: 8, output: 'float32' },
  i4: { descr: '<i4', itemBytes: 4, output: 'int32' },
  i8: { descr: '<i8', itemBytes: 8, output: 'int32' },
  u1: { descr: '|u1', itemBytes: 1, output: 'uint8' },
  i1: { descr: '|i1', itemBytes: 1, output: 'int8' },
};

/** The descrs accepted, for messages. */
export const NPY_SUPPORTED_DESCRS = Object.values(DTYPES)
  .map((d) => `'${d.descr}'`)
  .join(', ');

/**
 * The dtype of a `.npy` `descr` value, or a description of why it is not supported (big-endian,
 * structured, or another type).
 */
export function npyDtypeOf(descr: PyValue): NpyDtype | string {
  if (typeof descr !== 'string') return `structured dtype ${formatPyLiteral(descr)} is not supported (supported: ${NPY_SUPPORTED_DESCRS})`;
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const dtype = match ? DTYPES[`${match[2]}${match[3]}`] : undefined;
  if (!match || !dtype) return `unsupported dtype '${descr}' (supported: ${NPY_SUPPORTED_DESCRS})`;
  const order = match[1];
  if (dtype.itemBytes === 1) return dtype;
  if (order === '>') return `big-endian dtype '${descr}' is not supported; convert it in numpy with a.astype('${dtype.descr}')`;
  if (order !== '<') return `unsupported dtype '${descr}' (supported: ${NPY_SUPPORTED_DESCRS})`;
  return dtype;
}
