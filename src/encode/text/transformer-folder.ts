import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError } from '../../errors.js';

/** ONNX weight variants of the transformers.js layout: dtype → file-name suffix in `onnx/`. */
export const ONNX_DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type OnnxDtype = keyof typeof ONNX_DTYPE_SUFFIX;

/** What {@link inspectModelFolder} found in a model folder. */
export interface ModelFolderInfo {
  /** The folder (absolute). */
  dir: string;
  /** The ONNX file that will be run. */
  modelFile: string;
  /** `config.json`, parsed. */
  config: Record<string, unknown>;
  /** `hidden_size` (or `d_model` / `dim`) of the config, if it has one. */
  hiddenSize: number | undefined;
  /** Longest input the model takes (`max_position_embeddings`, or the tokenizer's `model_max_length`). */
  maxLength: number | undefined;
}

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileFormatError(file, `missing ${what}`);
    throw error;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError(file, `${what} is not valid JSON (${(error as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new FileFormatError(file, `${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/**
 * Checks a local model folder in the Hugging Face / transformers.js layout before anything is
 * loaded, so a wrong folder gives a clear error naming the missing or broken file:
 * `config.json`, `tokenizer.json` (+ optional `tokenizer_config.json`) and
 * `onnx/<modelFileName><dtype suffix>.onnx` (default `onnx/model.onnx`).
 */
export async function inspectModelFolder(dir: string, dtype: OnnxDtype = 'fp32', modelFileName = 'model'): Promise<ModelFolderInfo> {
  const abs = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileFormatError(abs, 'model folder not found');
    throw error;
  }
  if (!stat.isDirectory())
    throw new FileFormatError(
      abs,
      'not a model folder (it is a file); give the folder holding config.json, tokenizer.json and onnx/model.onnx',
    );
  const config = await readJson(path.join(abs, 'config.json'), 'model config (config.json)');
  const tokenizerFile = path.join(abs, 'tokenizer.json');
  const tokenizer = await readJson(tokenizerFile, 'tokenizer (tokenizer.json)');
  if (tokenizer.model === null || typeof tokenizer.model !== 'object')
    throw new FileFormatError(tokenizerFile, 'tokenizer.json has no "model" (not a Hugging Face tokenizers file)');
  const tokConfigFile = path.join(abs, 'tokenizer_config.json');
  const tokConfig = fs.existsSync(tokConfigFile) ? await readJson(tokConfigFile, 'tokenizer config (tokenizer_config.json)') : {};
  const modelFile = path.join(abs, 'onnx', `${modelFileName}${ONNX_DTYPE_SUFFIX[dtype]}.onnx`);
  let modelStat: fs.Stats | undefined;
  try {
    modelStat = await fsp.stat(modelFile);
  } catch {
    modelStat = undefined;
  }
  if (!modelStat?.isFile()) {
    const present = fs.existsSync(path.join(abs, 'onnx')) ? fs.readdirSync(path.join(abs, 'onnx')).filter((f) => f.endsWith('.onnx')) : [];
    throw new FileFormatError(
      modelFile,
      `missing model file (dtype '${dtype}')${present.length ? `; onnx/ has ${present.join(', ')}` : '; the folder has no onnx/ models'}`,
    );
  }
  if (modelStat.size === 0) throw new FileFormatError(modelFile, 'the model file is empty (0 bytes)');
  const hiddenSize = positiveInt(config.hidden_size) ?? positiveInt(config.d_model) ?? positiveInt(config.dim);
  const maxPositions = positiveInt(config.max_position_embeddings);
  const tokMax = positiveInt(tokConfig.model_max_length);
  // Some tokenizer configs say 1e30 ("no limit"): the position table is then the real limit.
  const maxLength = maxPositions !== undefined && tokMax !== undefined ? Math.min(maxPositions, tokMax) : (maxPositions ?? tokMax);
  return { dir: abs, modelFile, config, hiddenSize, maxLength };
}
