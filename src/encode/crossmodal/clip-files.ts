import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';

/** The files of a CLIP model folder (transformers.js / Xenova layout). */
export interface ClipFiles {
  dir: string;
  textModel: string;
  visionModel: string;
  tokenizer: string;
  /** Optional files (undefined when absent). */
  tokenizerConfig?: string;
  preprocessorConfig?: string;
  config?: string;
}

/** Options naming the model files inside the folder. */
export interface ClipFileOptions {
  /** File name of the text tower. Default `text_model.onnx` (searched in `onnx/`, then the folder). */
  textModel?: string;
  /** File name of the vision tower. Default `vision_model.onnx`. */
  visionModel?: string;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function findModel(dir: string, name: string): Promise<string | undefined> {
  if (path.isAbsolute(name)) return (await exists(name)) ? name : undefined;
  for (const candidate of [path.join(dir, 'onnx', name), path.join(dir, name)]) if (await exists(candidate)) return candidate;
  return undefined;
}

/**
 * Locates a CLIP folder's files: `onnx/text_model.onnx` and `onnx/vision_model.onnx` (or directly
 * in the folder), `tokenizer.json`, and the optional `tokenizer_config.json`,
 * `preprocessor_config.json`, `config.json`. Only the towers asked for are required.
 */
export async function locateClipFiles(
  dir: string,
  need: { text: boolean; vision: boolean },
  options: ClipFileOptions = {},
): Promise<ClipFiles> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new UsageError('a CLIP model needs `path`: the folder holding onnx/text_model.onnx, onnx/vision_model.onnx and tokenizer.json');
  const root = path.resolve(dir);
  try {
    if (!(await fsp.stat(root)).isDirectory())
      throw new FileFormatError(
        root,
        'not a folder: a CLIP model is a folder (onnx/text_model.onnx, onnx/vision_model.onnx, tokenizer.json)',
      );
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw new FileFormatError(root, 'CLIP model folder not found');
  }
  const textName = options.textModel ?? 'text_model.onnx';
  const visionName = options.visionModel ?? 'vision_model.onnx';
  const textModel = await findModel(root, textName);
  const visionModel = await findModel(root, visionName);
  if (need.text && !textModel)
    throw new FileFormatError(
      path.join(root, 'onnx', textName),
      `missing model file: the CLIP text tower was looked for in ${path.join(root, 'onnx')} and ${root}`,
    );
  if (need.vision && !visionModel)
    throw new FileFormatError(
      path.join(root, 'onnx', visionName),
      `missing model file: the CLIP vision tower was looked for in ${path.join(root, 'onnx')} and ${root}`,
    );
  const tokenizer = path.join(root, 'tokenizer.json');
  if (need.text && !(await exists(tokenizer)))
    throw new FileFormatError(tokenizer, 'missing tokenizer file (the CLIP text tower needs tokenizer.json)');
  const optional = async (name: string) => ((await exists(path.join(root, name))) ? path.join(root, name) : undefined);
  return {
    dir: root,
    textModel: textModel ?? '',
    visionModel: visionModel ?? '',
    tokenizer,
    tokenizerConfig: await optional('tokenizer_config.json'),
    preprocessorConfig: await optional('preprocessor_config.json'),
    config: await optional('config.json'),
  };
}

/** Parses a JSON file of the folder; errors name the file. `undefined` file → `{}`. */
export async function readJsonFile(file: string | undefined): Promise<Record<string, unknown>> {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    throw new FileFormatError(file, `cannot read: ${(error as Error).message}`);
  }
  if (text.trim().length === 0) throw new FileFormatError(file, 'empty file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FileFormatError(file, 'expected a JSON object');
  return value as Record<string, unknown>;
}
