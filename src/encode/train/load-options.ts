import { UsageError } from '../../errors.js';
import { LoadOptionReader } from '../text/load-options.js';
import { loadTrainedEncoder } from './trained-file.js';
import type { TrainedImageEncoder } from './trained-encoder.js';

/**
 * The `trained` registry entry: options `path` (the .ekte file, required) and `backboneOptions`
 * (an object merged over the saved backbone options, e.g. `{threads: 1}`).
 */
export async function loadTrainedEncoderFromOptions(options: Record<string, unknown> = {}): Promise<TrainedImageEncoder> {
  const o = new LoadOptionReader('trained', options);
  const file = o.string('path');
  const backboneOptions = o.raw('backboneOptions');
  o.done();
  if (file === undefined) throw new UsageError("trained: needs the option 'path' (a .ekte file saved by embedkit)");
  if (
    backboneOptions !== undefined &&
    (typeof backboneOptions !== 'object' || backboneOptions === null || Array.isArray(backboneOptions))
  ) {
    throw new UsageError('trained: option backboneOptions must be an object');
  }
  return loadTrainedEncoder(file, backboneOptions ? { backboneOptions: backboneOptions as Record<string, unknown> } : {});
}
