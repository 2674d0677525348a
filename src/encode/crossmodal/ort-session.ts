import fsp from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { FileFormatError } from '../../errors.js';
import { commonJsExports } from '../image/errors.js';
import { importOptional } from '../packages.js';

export type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, imported on first use (MissingPackageError naming `encoder` when absent). */
export async function loadOrt(encoder: string): Promise<Ort> {
  return commonJsExports<Ort>(await importOptional<Ort>(encoder, 'onnxruntime-node'));
}

/** An inference session on the CPU for `file`; errors name the file (missing, empty, not ONNX). */
export async function openSession(ort: Ort, file: string, threads: number): Promise<{ session: InferenceSession; bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(file, code === 'ENOENT' ? 'model file not found' : `cannot read the model file: ${(error as Error).message}`);
  }
  if (bytes.length === 0) throw new FileFormatError(file, 'empty model file (0 bytes)');
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return { session, bytes };
  } catch (error) {
    throw new FileFormatError(file, `not a valid ONNX model: ${String((error as Error).message).split('\n')[0]}`);
  }
}
