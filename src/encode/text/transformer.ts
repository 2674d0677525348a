import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EmbedkitError, FileFormatError, UsageError } from '../../errors.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import { importOptional } from '../packages.js';
import { defaultCacheDir } from '../paths.js';
import type { EmbedError } from '../types.js';
import { LoadOptionReader } from './load-options.js';
import { poolTokens, type TokenPooling } from './token-pooling.js';
import { inspectModelFolder, ONNX_DTYPE_SUFFIX, type OnnxDtype } from './transformer-folder.js';

/** The npm package that runs the models. */
export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';
/** Version of the encoding code; part of the cache identity. */
const TRANSFORMER_ENCODER_VERSION = 1;

/** Options of {@link loadTransformerEncoder}. */
export interface TransformerOptions {
  /** Local model folder: `config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`. */
  path?: string;
  /** A Hugging Face hub id (e.g. `'Xenova/all-MiniLM-L6-v2'`), used only with `allowRemote: true`. */
  model?: string;
  /** Allow downloading `model` from the hub (or `remoteHost`). Default false: offline. */
  allowRemote?: boolean;
  /** Base URL of a hub mirror for `model` (transformers.js `env.remoteHost`). */
  remoteHost?: string;
  /** Where downloaded models are kept. Default `<defaultCacheDir()>/transformers`. */
  cacheDir?: string;
  /** `'mean'` (default; MiniLM, E5, sentence-transformers) or `'cls'` (BGE). */
  pooling?: TokenPooling;
  /** Unit-normalise rows by default. Default true. */
  normalize?: boolean;
  /** Longest input in tokens; longer texts are truncated. Default: the model's limit (≤ 512). */
  maxLength?: number;
  /** Texts per model call. Default 16. */
  batchSize?: number;
  /** ONNX weights to run: `'fp32'` (default, `onnx/model.onnx`), `'q8'` (`model_quantized.onnx`), … */
  dtype?: OnnxDtype;
  /** Prefix added to every text, e.g. `'query: '` for E5 or BGE's query instruction. Default none. */
  prefix?: string;
  /** Expected output dimension: loading fails if the model gives another. */
  dimension?: number;
  /** Encoder name. Default `transformer:<folder name or hub id>`. */
  name?: string;
  /** ONNX Runtime threads per inference (onnxruntime-node `intraOpNumThreads`). Default: runtime's. */
  threads?: number;
}

/* Minimal shapes of the transformers.js objects used here (the package's own types are large). */
interface HfTensor {
  dims: number[];
  data: ArrayLike<number | bigint>;
  dispose?(): void;
}
interface HfTokenizer {
  (texts: string[], options: Record<string, unknown>): Record<string, HfTensor>;
}
interface HfModel {
  (inputs: Record<string, HfTensor>): Promise<Record<string, HfTensor>>;
  dispose(): Promise<unknown>;
}
interface HfModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string; remoteHost: string; cacheDir: string | null };
  AutoTokenizer: { from_pretrained(id: string, options?: Record<string, unknown>): Promise<HfTokenizer> };
  AutoModel: { from_pretrained(id: string, options?: Record<string, unknown>): Promise<HfModel> };
}

/** transformers.js configuration is global: loads run one at a time and restore it. */
let loadLock: Promise<unknown> = Promise.resolve();

async function withEnv<T>(hf: HfModule, settings: Partial<HfModule['env']>, fn: () => Promise<T>): Promise<T> {
  const run = loadLock.then(async () => {
    const env = hf.env;
    const saved = {
      allowRemoteModels: env.allowRemoteModels,
      allowLocalModels: env.allowLocalModels,
      localModelPath: env.localModelPath,
      remoteHost: env.remoteHost,
      cacheDir: env.cacheDir,
    };
    Object.assign(env, settings);
    try {
      return await fn();
    } finally {
      Object.assign(env, saved);
    }
  });
  loadLock = run.catch(() => undefined);
  return run;
}

/** What the encoder was built from (see {@link loadTransformerEncoder}). */
interface TransformerParts {
  name: string;
  tokenizer: HfTokenizer;
  model: HfModel;
  dimension: number;
  pooling: TokenPooling;
  maxLength: number;
  normalize: boolean;
  batchSize: number;
  prefix: string;
  /** Files whose bytes identify the model (for the cache identity), or the hub id. */
  identityFiles: string[];
  source: string;
}

/**
 * A transformer sentence encoder (BERT / MiniLM / BGE / E5 layout, ONNX weights, run by
 * transformers.js on onnxruntime-node, CPU): tokenise (padding, truncation to `maxLength`), run,
 * pool the last hidden states with the attention mask (mean) or take [CLS], unit-normalise.
 * Build it with {@link loadTransformerEncoder}.
 */
export class TransformerEncoder extends BatchEncoder<string> {
  readonly modality = 'text' as const;
  readonly name: string;
  readonly dimension: number;
  readonly pooling: TokenPooling;
  readonly maxLength: number;
  readonly prefix: string;
  /** Folder or hub id the model came from. */
  readonly source: string;
  readonly #tokenizer: HfTokenizer;
  readonly #model: HfModel;
  readonly #identityFiles: string[];
  #identity: string | undefined;
  #disposed = false;

  /** @internal use {@link loadTransformerEncoder}. */
  constructor(parts: TransformerParts) {
    super();
    this.name = parts.name;
    this.dimension = parts.dimension;
    this.pooling = parts.pooling;
    this.maxLength = parts.maxLength;
    this.prefix = parts.prefix;
    this.source = parts.source;
    this.#tokenizer = parts.tokenizer;
    this.#model = parts.model;
    this.#identityFiles = parts.identityFiles;
    this.defaultBatchSize = parts.batchSize;
    this.defaultNormalize = parts.normalize;
  }

  /** Raw pooled rows of `texts` (all strings), plus the hidden size the model produced. */
  async #run(texts: string[]): Promise<{ data: Float32Array; dim: number }> {
    if (this.#disposed) throw new UsageError(`encoder '${this.name}' was disposed`);
    const inputs = this.#tokenizer(
      texts.map((t) => this.prefix + t),
      { padding: true, truncation: true, max_length: this.maxLength },
    );
    const outputs = await this.#model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? Object.values(outputs).find((t) => t.dims.length === 3);
    try {
      if (!hidden)
        throw new EmbedkitError(`model of '${this.name}' returned no token states (outputs: ${Object.keys(outputs).join(', ')})`);
      const [batch, seq, dim] = hidden.dims;
      const mask = inputs.attention_mask;
      if (batch !== texts.length || mask.dims[1] !== seq) {
        throw new EmbedkitError(
          `model of '${this.name}' returned token states of shape [${hidden.dims.join(', ')}] for ${texts.length} texts of ${mask.dims[1]} tokens`,
        );
      }
      const data = new Float32Array(batch * dim);
      poolTokens(hidden.data as Float32Array, mask.data, batch, seq, dim, this.pooling, data);
      return { data, dim };
    } finally {
      for (const t of [...Object.values(outputs), ...Object.values(inputs)]) t.dispose?.();
    }
  }

  /** Checks the model on one short text: its hidden size must be `expected` (the config's). */
  async probe(expected: number | undefined): Promise<number> {
    const { dim } = await this.#run(['probe']);
    if (expected !== undefined && dim !== expected) {
      throw new FileFormatError(this.source, `dimension mismatch: the model outputs ${dim}-d token states, expected ${expected}`);
    }
    return dim;
  }

  protected async encodeBatch(batch: readonly string[]): Promise<BatchOutput> {
    const dim = this.dimension;
    const errors: EmbedError[] = [];
    const texts: string[] = [];
    const at: number[] = [];
    batch.forEach((t, k) => {
      if (typeof t === 'string') {
        texts.push(t);
        at.push(k);
      } else errors.push({ index: k, message: `expected a string, got ${t === null ? 'null' : typeof t}` });
    });
    const data = new Float32Array(batch.length * dim);
    if (texts.length > 0) {
      const out = await this.#run(texts);
      if (out.dim !== dim) throw new EmbedkitError(`dimension mismatch: the model gave ${out.dim}-d rows, the encoder is ${dim}-d`);
      at.forEach((k, j) => data.set(out.data.subarray(j * dim, (j + 1) * dim), k * dim));
    }
    return { data, errors };
  }

  protected cacheIdentity(): string {
    if (this.#identity === undefined) {
      const hash = createHash('sha256');
      for (const f of this.#identityFiles) {
        if (!fs.existsSync(f)) {
          hash.update(`id:${f}\0`);
          continue;
        }
        hash.update(`${path.basename(f)}\0`);
        hash.update(fs.readFileSync(f));
      }
      this.#identity = JSON.stringify([
        this.name,
        'transformer',
        TRANSFORMER_ENCODER_VERSION,
        hash.digest('hex'),
        this.pooling,
        this.maxLength,
        this.prefix,
      ]);
    }
    return this.#identity;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#model.dispose();
  }
}

function readTransformerOptions(options: Record<string, unknown>): TransformerOptions {
  const r = new LoadOptionReader('transformer', options);
  const o: TransformerOptions = {
    path: r.string('path'),
    model: r.string('model'),
    allowRemote: r.boolean('allowRemote'),
    remoteHost: r.string('remoteHost'),
    cacheDir: r.string('cacheDir'),
    pooling: r.choice('pooling', ['mean', 'cls'] as const),
    normalize: r.boolean('normalize'),
    maxLength: r.integer('maxLength'),
    batchSize: r.integer('batchSize'),
    dtype: r.choice('dtype', Object.keys(ONNX_DTYPE_SUFFIX) as OnnxDtype[]),
    prefix: r.raw('prefix') as string | undefined,
    dimension: r.integer('dimension'),
    name: r.string('name'),
    threads: r.integer('threads'),
  };
  r.done();
  if (o.prefix !== undefined && typeof o.prefix !== 'string') throw new UsageError(`transformer: option 'prefix' must be a string`);
  for (const key of ['maxLength', 'batchSize', 'dimension', 'threads'] as const) {
    const v = o[key];
    if (v !== undefined && v < 1) throw new UsageError(`transformer: option '${key}' must be ≥ 1, got ${v}`);
  }
  return o;
}

/**
 * Loads a transformer sentence encoder. Offline by default: `path` names a local folder in the
 * Hugging Face / transformers.js layout (`config.json`, `tokenizer.json`, `tokenizer_config.json`,
 * `onnx/model.onnx`), checked first so a wrong folder gives a clear error; `model` (a hub id) is
 * fetched only with `allowRemote: true`. The model is run once on a probe text to check its
 * output dimension against `config.json` (and `options.dimension`). See {@link TransformerOptions}.
 */
export async function loadTransformerEncoder(options: TransformerOptions | Record<string, unknown> = {}): Promise<TransformerEncoder> {
  const o = readTransformerOptions(options as Record<string, unknown>);
  if (o.path === undefined && o.model === undefined) {
    throw new UsageError(
      "transformer: option 'path' (a local model folder with config.json, tokenizer.json and onnx/model.onnx) is required",
    );
  }
  if (o.path !== undefined && o.model !== undefined) throw new UsageError("transformer: give 'path' or 'model', not both");
  if (o.model !== undefined && o.allowRemote !== true) {
    throw new UsageError(
      `transformer: '${o.model}' is a hub id and remote models are off; give a local folder as 'path', or set allowRemote: true to download it`,
    );
  }
  const dtype = o.dtype ?? 'fp32';
  const local = o.path !== undefined ? await inspectModelFolder(o.path, dtype) : undefined;
  const hf = await importOptional<HfModule>('transformer', TRANSFORMERS_PACKAGE);
  const id = local ? path.basename(local.dir) : o.model!;
  const settings: Partial<HfModule['env']> = local
    ? { allowRemoteModels: false, allowLocalModels: true, localModelPath: path.dirname(local.dir) + path.sep }
    : {
        allowRemoteModels: true,
        allowLocalModels: false,
        cacheDir: path.resolve(o.cacheDir ?? path.join(defaultCacheDir(), 'transformers')),
        ...(o.remoteHost ? { remoteHost: o.remoteHost.endsWith('/') ? o.remoteHost : `${o.remoteHost}/` } : {}),
      };
  const session = o.threads !== undefined ? { session_options: { intraOpNumThreads: o.threads } } : {};
  const { tokenizer, model } = await withEnv(hf, settings, async () => {
    try {
      const tokenizer = await hf.AutoTokenizer.from_pretrained(id);
      const model = await hf.AutoModel.from_pretrained(id, { dtype, device: 'cpu', ...session });
      return { tokenizer, model };
    } catch (error) {
      const where = local?.dir ?? o.model!;
      throw new EmbedkitError(`cannot load the transformer model from ${where}: ${(error as Error).message}`);
    }
  });
  const hidden = local?.hiddenSize;
  const maxLength = Math.min(o.maxLength ?? local?.maxLength ?? 512, local?.maxLength ?? Infinity, 8192);
  const parts: TransformerParts = {
    name: o.name ?? `transformer:${id}`,
    tokenizer,
    model,
    dimension: hidden ?? 0,
    pooling: o.pooling ?? 'mean',
    maxLength,
    normalize: o.normalize ?? true,
    batchSize: o.batchSize ?? 16,
    prefix: o.prefix ?? '',
    identityFiles: local
      ? ['config.json', 'tokenizer.json', 'tokenizer_config.json'].map((f) => path.join(local.dir, f)).concat(local.modelFile)
      : [`${o.remoteHost ?? 'hf'}:${o.model}:${dtype}`],
    source: local?.modelFile ?? o.model!,
  };
  let encoder = new TransformerEncoder(parts);
  try {
    const dim = await encoder.probe(hidden);
    if (parts.dimension === 0) encoder = new TransformerEncoder({ ...parts, dimension: dim });
    if (o.dimension !== undefined && dim !== o.dimension) {
      throw new FileFormatError(
        parts.source,
        `dimension mismatch: the model gives ${dim}-d vectors, option 'dimension' expects ${o.dimension}`,
      );
    }
  } catch (error) {
    await model.dispose();
    throw error;
  }
  return encoder;
}
