import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { yieldToEventLoop } from '../../kernels/yield.js';
import { VERSION } from '../../version.js';
import { Doc2VecModel, type InferOptions } from '../../vectors/doc2vec/model.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import { LoadOptionReader } from './load-options.js';

/**
 * Texts → Doc2Vec vectors: each text's vector is inferred (`Doc2VecModel.inferVector`) with the
 * model's tokenizer and the given inference settings, so it lies in the space of the training
 * documents. Deterministic: the same text gives the same row.
 */
export class Doc2VecEncoder extends BatchEncoder<string> {
  readonly name = 'doc2vec';
  readonly modality = 'text' as const;
  readonly dimension: number;

  constructor(
    readonly model: Doc2VecModel,
    private readonly infer: InferOptions = {},
    private readonly identity = 'in-memory',
  ) {
    super();
    this.dimension = model.dim;
  }

  protected async encodeBatch(batch: readonly string[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    const d = this.dimension;
    const data = new Float32Array(batch.length * d);
    const errors: { index: number; message: string }[] = [];
    for (let i = 0; i < batch.length; i++) {
      const text = batch[i];
      if (typeof text !== 'string') errors.push({ index: i, message: 'not a string' });
      else data.set(this.model.inferVector(text, this.infer), i * d);
      if (i % 16 === 15) await yieldToEventLoop(signal); // inference runs on this thread: let others in
    }
    return { data, errors };
  }

  protected cacheIdentity(): string {
    return `doc2vec@${VERSION}:${this.identity}:${JSON.stringify(this.infer)}`;
  }
}

/**
 * Loads the registry's `doc2vec` encoder: option `path` (a model saved by `Doc2VecModel.save` or
 * `embedkit train --model doc2vec-*`), and the inference settings `epochs`, `alpha`, `minAlpha`,
 * `seed` (defaults: the model's).
 */
export async function loadDoc2VecEncoder(options: Record<string, unknown> = {}): Promise<Doc2VecEncoder> {
  const r = new LoadOptionReader('doc2vec', options);
  const file = r.string('path');
  const infer: InferOptions = {};
  const epochs = r.integer('epochs');
  const alpha = r.number('alpha');
  const minAlpha = r.number('minAlpha');
  const seed = r.integer('seed');
  r.done();
  if (file === undefined) throw new UsageError("doc2vec: option 'path' (a Doc2Vec model file) is required");
  if (epochs !== undefined) infer.epochs = epochs;
  if (alpha !== undefined) infer.alpha = alpha;
  if (minAlpha !== undefined) infer.minAlpha = minAlpha;
  if (seed !== undefined) infer.seed = seed;
  const model = await Doc2VecModel.load(file);
  const stat = await fsp.stat(file);
  return new Doc2VecEncoder(model, infer, `${path.resolve(file)}:${stat.size}:${stat.mtimeMs}`);
}
