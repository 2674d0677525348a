import { UsageError } from '../../errors.js';
import { LoadOptionReader } from '../text/load-options.js';
import type { Encoder } from '../types.js';
import { loadClipImageEncoder, loadClipTextEncoder, type ClipOptions } from './clip.js';

const RESIZE = ['cover', 'contain', 'fill'] as const;

/**
 * The `clip-text` / `clip-image` registry entries: options `path` (the CLIP folder, required),
 * `textModel`, `visionModel`, `threads`, `maxLength`, `batchSize`, `normalize`, `resize`,
 * `maxInputPixels` (strings from a command line are accepted for numbers and booleans).
 */
export async function loadClipTowerFromOptions(tower: 'text' | 'image', options: Record<string, unknown> = {}): Promise<Encoder> {
  const name = `clip-${tower}`;
  const o = new LoadOptionReader(name, options);
  const dir = o.string('path');
  const batchSize = o.integer('batchSize');
  const clip: ClipOptions = {
    textModel: o.string('textModel'),
    visionModel: o.string('visionModel'),
    threads: o.integer('threads'),
    maxLength: o.integer('maxLength'),
    normalize: o.boolean('normalize'),
    resize: o.choice('resize', RESIZE),
    maxInputPixels: o.integer('maxInputPixels'),
    ...(tower === 'text' ? { textBatchSize: batchSize } : { imageBatchSize: batchSize }),
  };
  o.done();
  if (dir === undefined)
    throw new UsageError(`${name}: needs the option 'path': a CLIP folder (onnx/text_model.onnx, onnx/vision_model.onnx, tokenizer.json)`);
  for (const key of Object.keys(clip) as (keyof ClipOptions)[]) if (clip[key] === undefined) delete clip[key];
  return tower === 'text' ? loadClipTextEncoder(dir, clip) : loadClipImageEncoder(dir, clip);
}
