import fs from 'node:fs';
import path from 'node:path';
import { EmbedkitError } from '../../src/errors.js';
import { createPoolingEncoder, loadPoolingEncoder, type PoolingOptions } from '../../src/encode/text/pooling.js';
import type { PoolingMethod, WordPoolingEncoder } from '../../src/encode/text/word-pooling.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { finiteProblem, firstProblem, shapeProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';
import { jsonEdits, setPath, type JsonEdit } from './json-edits.js';

interface Loaded {
  encoder: WordPoolingEncoder;
  /** The embedding of a probe sentence, or the EmbedkitError `embed` refused with (e.g. not fitted). */
  embedded: Float32Array | EmbedkitError;
}

const WORDS = ['cat', 'dog', 'red', 'blue', 'the', 'a', 'runs', 'sleeps'];
const VECTORS = new KeyedVectors({
  words: WORDS,
  vectors: Float32Array.from({ length: WORDS.length * 3 }, (_, i) => Math.sin(i + 1)),
  dim: 3,
});
const TEXTS = ['the cat runs', 'a dog sleeps', 'the red dog runs', 'blue cat', 'a cat sleeps', 'the dog'];

const KEYS = [
  'format',
  'version',
  'method',
  'dim',
  'vocabSize',
  'params',
  'params.preNormalize',
  'params.a',
  'params.components',
  'params.frequencies',
  'params.minFitTexts',
  'state',
  'state.idf',
  'state.idf.cat',
  'state.defaultIdf',
  'state.documents',
  'state.fittedOn',
  'state.components',
  'state.corpus',
  'state.corpus.total',
  'state.corpus.counts',
  'state.corpus.counts.cat',
];

function applyJsonEdit(bytes: Uint8Array, edit: JsonEdit): Uint8Array {
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  setPath(doc, edit.key, edit.value);
  return new TextEncoder().encode(`${JSON.stringify(doc)}\n`);
}

async function read(file: string, variant: string, base: BaseFile): Promise<Loaded> {
  let encoder: WordPoolingEncoder;
  if (variant === 'loadPoolingEncoder') encoder = await loadPoolingEncoder(file, VECTORS);
  else {
    // an encoder built like the saved one, then given the file's state
    const { method, options } = (base.expected ?? { method: 'mean', options: {} }) as { method: PoolingMethod; options: PoolingOptions };
    encoder = await createPoolingEncoder(method, VECTORS, options).loadState(file);
  }
  let embedded: Float32Array | EmbedkitError;
  try {
    embedded = (await encoder.embed(['the cat runs', 'unknown words only'])).data;
  } catch (error) {
    if (!(error instanceof EmbedkitError)) throw error;
    embedded = error;
  }
  return { encoder, embedded };
}

function check({ encoder, embedded }: Loaded, context: ReadContext): string | undefined {
  if (embedded instanceof EmbedkitError)
    return context.unchanged && !context.base.foreign ? `an intact state cannot embed: ${embedded.message}` : undefined;
  return firstProblem(shapeProblem(2, encoder.dimension, embedded.length), finiteProblem(embedded, 'embedding'));
}

async function base(dir: string, method: PoolingMethod, options: PoolingOptions, fit: boolean): Promise<BaseFile> {
  const encoder = createPoolingEncoder(method, VECTORS, options);
  if (fit) encoder.fit(TEXTS);
  const file = path.join(dir, `${method}-${fit ? 'fitted' : 'unfitted'}.json`);
  await encoder.save(file);
  return {
    label: `${method}${fit ? ' fitted' : ''}`,
    bytes: new Uint8Array(fs.readFileSync(file)),
    ext: '.json',
    expected: { method, options },
  };
}

/** Saved pooling-encoder states (JSON): loadPoolingEncoder, encoder.loadState, then an embed. */
export function poolingStateTarget(): FuzzTarget<Loaded, JsonEdit> {
  return {
    name: 'pooling-state',
    readers: 'loadPoolingEncoder, WordPoolingEncoder.loadState (+ an embed)',
    variants: ['loadPoolingEncoder', 'loadState'],
    gzip: false,
    bases: async (dir) => [
      await base(dir, 'mean', {}, false),
      await base(dir, 'max', { preNormalize: true }, false),
      await base(dir, 'tfidf', {}, true),
      await base(dir, 'sif', { components: 1 }, true),
      await base(dir, 'sif', { components: 1, frequencies: 'corpus' }, true),
    ],
    edits: jsonEdits(KEYS),
    applyEdit: applyJsonEdit,
    read,
    check,
  };
}
