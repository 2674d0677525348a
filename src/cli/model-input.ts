import { loadVectorsWithInfo } from '../vectors/load.js';
import type { LoadResult } from '../vectors/load.js';

/** Loads a model file in any supported format (detected from its content). */
export async function loadModel(path: string, limit?: number): Promise<LoadResult> {
  return loadVectorsWithInfo(path, limit !== undefined ? { limit } : {});
}
