import { readFile, stat } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { FileFormatError } from '../errors.js';

type Ort = typeof import('onnxruntime-node');

/**
 * Opens an ONNX model file as a CPU inference session (shared by the image and audio encoders);
 * a missing, empty or invalid file is a FileFormatError naming it.
 */
export async function createOnnxSession(ort: Ort, file: string, threads: number): Promise<InferenceSession> {
  let bytes: Buffer;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new FileFormatError(file, 'not a regular file');
    if (s.size === 0) throw new FileFormatError(file, 'empty file (0 bytes)');
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(file, code === 'ENOENT' ? 'model file not found' : `cannot read the model file: ${(error as Error).message}`);
  }
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new FileFormatError(file, `not a valid ONNX model: ${String((error as Error).message).split('\n')[0]}`);
  }
}
