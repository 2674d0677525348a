import { createHash } from 'node:crypto';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { EmbedkitError, FileFormatError, UsageError } from '../../errors.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import { importOptional } from '../packages.js';
import { readJsonFile, type ClipFiles } from './clip-files.js';
import type { Ort } from './ort-session.js';

/** Version of the text tower's computation (part of the cache identity). */
const CLIP_TEXT_VERSION = 1;

/** What the transformers.js tokenizer call returns with `return_tensor: false`. */
interface TokenizerOutput {
  input_ids: number[][];
  attention_mask: number[][];
}
type TokenizerCall = (text: string[], options: Record<string, unknown>) => TokenizerOutput;
type TokenizerClass = new (json: unknown, config: unknown) => TokenizerCall;

/** Options of the CLIP text tower. */
export interface ClipTextOptions {
  /** Longest token sequence (longer texts are truncated). Default: the tokenizer's / model's (77 for CLIP). */
  maxLength?: number;
  /** Output to read. Default `text_embeds`, else the model's first output. */
  outputName?: string;
  /** Texts per model call. Default 32. */
  batchSize?: number;
  /** Unit-normalise (default true: CLIP compares by cosine). */
  normalize?: boolean;
  /** Encoder name. Default `clip-text`. */
  name?: string;
}

/**
 * Loads transformers.js's tokenizer class named in tokenizer_config.json (default CLIPTokenizer)
 * from the folder's tokenizer.json, without any network access.
 */
async function loadTokenizer(files: ClipFiles): Promise<{ tokenizer: TokenizerCall; config: Record<string, unknown> }> {
  const json = await readJsonFile(files.tokenizer);
  const config = await readJsonFile(files.tokenizerConfig);
  const mod = await importOptional<Record<string, unknown>>('clip-text', '@huggingface/transformers');
  const className = typeof config.tokenizer_class === 'string' ? config.tokenizer_class : 'CLIPTokenizer';
  const Class = (typeof mod[className] === 'function' ? mod[className] : mod.CLIPTokenizer) as TokenizerClass;
  try {
    return { tokenizer: new Class(json, config), config };
  } catch (error) {
    throw new FileFormatError(files.tokenizer, `not a usable tokenizer: ${(error as Error).message}`);
  }
}

function positiveLength(v: unknown): number | undefined {
  return Number.isSafeInteger(v) && (v as number) > 0 && (v as number) < 1e6 ? (v as number) : undefined;
}

/** The CLIP text tower: tokenizer (transformers.js) + `text_model.onnx` (onnxruntime-node). */
export class ClipTextEncoder extends BatchEncoder<string> {
  readonly modality = 'text' as const;
  readonly name: string;
  readonly dimension: number;
  protected override defaultBatchSize: number;
  protected override defaultNormalize: boolean;
  private readonly feedNames: readonly string[];

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly tokenizer: TokenizerCall,
    readonly maxLength: number,
    readonly outputName: string,
    private readonly identity: string,
    readonly modelPath: string,
    options: ClipTextOptions,
    dimension: number,
  ) {
    super();
    this.name = options.name ?? 'clip-text';
    this.dimension = dimension;
    this.defaultBatchSize = options.batchSize ?? 32;
    this.defaultNormalize = options.normalize ?? true;
    this.feedNames = session.inputNames;
  }

  /**
   * Token ids of `texts` as the model sees them (start, tokens, end, padding).
   * @internal
   */
  tokenize(texts: readonly string[]): TokenizerOutput {
    return this.tokenizer([...texts], { padding: true, truncation: true, max_length: this.maxLength, return_tensor: false });
  }

  private async run(texts: readonly string[]): Promise<{ data: Float32Array; dims: number[] }> {
    const enc = this.tokenize(texts);
    const rows = texts.length;
    const length = enc.input_ids[0]?.length ?? 0;
    const ids = new BigInt64Array(rows * length);
    const mask = new BigInt64Array(rows * length);
    const positions = new BigInt64Array(rows * length);
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < length; t++) {
        ids[r * length + t] = BigInt(enc.input_ids[r][t]);
        mask[r * length + t] = BigInt(enc.attention_mask[r][t]);
        positions[r * length + t] = BigInt(t);
      }
    }
    const feeds: Record<string, Tensor> = {};
    for (const name of this.feedNames) {
      const data = name === 'input_ids' ? ids : name === 'attention_mask' ? mask : positions;
      feeds[name] = new this.ort.Tensor('int64', data, [rows, length]);
    }
    const out = await this.session.run(feeds, [this.outputName]);
    const y = out[this.outputName];
    if (!y || y.type !== 'float32')
      throw new EmbedkitError(`${this.modelPath}: output '${this.outputName}' is ${y ? y.type : 'missing'}, expected float32`);
    return { data: y.data as Float32Array, dims: [...y.dims] };
  }

  protected async encodeBatch(batch: readonly string[]): Promise<BatchOutput> {
    const errors = [];
    for (let i = 0; i < batch.length; i++)
      if (typeof batch[i] !== 'string') errors.push({ index: i, message: `input ${i} is not a string (${typeof batch[i]})` });
    if (errors.length > 0) {
      const ok = batch.map((t) => (typeof t === 'string' ? t : ''));
      return { data: (await this.run(ok)).data, errors };
    }
    const { data, dims } = await this.run(batch);
    if (dims.length !== 2 || dims[0] !== batch.length || dims[1] !== this.dimension) {
      throw new EmbedkitError(
        `${this.modelPath}: output '${this.outputName}' has shape [${dims.join(', ')}], expected [${batch.length}, ${this.dimension}]`,
      );
    }
    return { data };
  }

  protected cacheIdentity(): string {
    return this.identity;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** Opens the text tower of `files` (checks inputs/outputs and runs it once to learn the dimension). */
  static async open(
    ort: Ort,
    session: InferenceSession,
    modelBytes: Buffer,
    files: ClipFiles,
    options: ClipTextOptions = {},
  ): Promise<ClipTextEncoder> {
    const { tokenizer, config: tokConfig } = await loadTokenizer(files);
    const modelConfig = await readJsonFile(files.config);
    const textConfig = (modelConfig.text_config ?? {}) as Record<string, unknown>;
    const maxLength =
      options.maxLength ?? positiveLength(tokConfig.model_max_length) ?? positiveLength(textConfig.max_position_embeddings) ?? 77;
    if (!Number.isSafeInteger(maxLength) || maxLength < 2)
      throw new UsageError(`maxLength must be an integer ≥ 2, got ${String(maxLength)}`);
    const file = files.textModel;
    for (const name of session.inputNames) {
      if (!['input_ids', 'attention_mask', 'position_ids'].includes(name)) {
        throw new FileFormatError(
          file,
          `unexpected model input '${name}' (a CLIP text tower takes input_ids, attention_mask, position_ids)`,
        );
      }
    }
    if (!session.inputNames.includes('input_ids'))
      throw new FileFormatError(file, `the model has no input 'input_ids' (inputs: ${session.inputNames.join(', ')})`);
    const outputName = options.outputName ?? (session.outputNames.includes('text_embeds') ? 'text_embeds' : session.outputNames[0]);
    if (!session.outputNames.includes(outputName))
      throw new FileFormatError(file, `the model has no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`);
    const identity = JSON.stringify({
      v: CLIP_TEXT_VERSION,
      model: createHash('sha256').update(modelBytes).digest('hex'),
      tokenizer: createHash('sha256')
        .update(JSON.stringify(await readJsonFile(files.tokenizer)))
        .digest('hex'),
      maxLength,
      outputName,
    });
    const probe = new ClipTextEncoder(ort, session, tokenizer, maxLength, outputName, identity, file, options, 1);
    let dims: number[];
    try {
      dims = (await probe.run([''])).dims;
    } catch (error) {
      if (error instanceof EmbedkitError) throw error;
      throw new FileFormatError(file, `running the text tower failed: ${String((error as Error).message).split('\n')[0]}`);
    }
    if (dims.length !== 2)
      throw new FileFormatError(
        file,
        `output '${outputName}' has shape [${dims.join(', ')}]; expected [batch, dimension] (use the projected text_embeds output)`,
      );
    return new ClipTextEncoder(ort, session, tokenizer, maxLength, outputName, identity, file, options, dims[1]);
  }
}
