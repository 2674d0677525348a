import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import type { Modality } from '../../encode/types.js';
import type { LabelledInputs } from './classifier.js';

const LABEL = '__label__';

/**
 * Parses fastText's supervised format: each non-empty line is `__label__X [__label__Y …] text`.
 * The first label is the class (embedkit classifies single-label); a line without a label is an
 * error naming the file and line, unless `requireLabels` is false (then its label is '').
 */
export function parseFastTextLines(text: string, file: string, requireLabels = true): LabelledInputs {
  const inputs: string[] = [];
  const labels: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    let t = 0;
    let label = '';
    while (t < tokens.length && tokens[t].startsWith(LABEL)) {
      if (label === '') label = tokens[t].slice(LABEL.length);
      t++;
    }
    if (requireLabels && label === '') throw new FileFormatError(file, `line ${n + 1} has no __label__ (expected "__label__X text")`);
    inputs.push(tokens.slice(t).join(' '));
    labels.push(label);
  }
  return { inputs, labels, modality: 'text' };
}

const EXTENSIONS: Record<Exclude<Modality, 'text'>, RegExp> = {
  image: /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i,
  audio: /\.(wav|flac|mp3|ogg|opus|m4a|aiff?)$/i,
};

/**
 * A labelled folder: `DIR/label/file` for images or audio (the sub-folder name is the label;
 * files of other types are skipped). Sorted by label then file name, so the order is stable.
 */
export async function readLabelledFolder(dir: string, modality: Exclude<Modality, 'text'>): Promise<LabelledInputs> {
  const inputs: string[] = [];
  const labels: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const files = (await readdir(join(dir, e.name))).filter((f) => EXTENSIONS[modality].test(f)).sort();
    for (const f of files) {
      inputs.push(join(dir, e.name, f));
      labels.push(e.name);
    }
  }
  if (inputs.length === 0) throw new FileFormatError(dir, `holds no label/file ${modality} files (expected DIR/label/file)`);
  return { inputs, labels, modality };
}

/** A fastText-format text file, or a label/file folder of images or audio. */
export async function readLabelled(
  path: string,
  folderModality: Exclude<Modality, 'text'> = 'image',
  requireLabels = true,
): Promise<LabelledInputs> {
  const s = await stat(path);
  if (s.isDirectory()) return readLabelledFolder(path, folderModality);
  const data = parseFastTextLines(await readFile(path, 'utf8'), path, requireLabels);
  if (data.inputs.length === 0) throw new FileFormatError(path, 'holds no examples (empty file)');
  return data;
}

/** Unlabelled inputs: lines of a text file (fastText labels, if any, are dropped) or the files of a folder. */
export async function readUnlabelled(path: string, folderModality: Exclude<Modality, 'text'> = 'image'): Promise<string[]> {
  const s = await stat(path);
  if (s.isDirectory()) {
    const files = (await readdir(path, { recursive: true })).filter((f) => EXTENSIONS[folderModality].test(f)).sort();
    if (files.length === 0) throw new UsageError(`${path}: no ${folderModality} files`);
    return files.map((f) => join(path, f));
  }
  return [...parseFastTextLines(await readFile(path, 'utf8'), path, false).inputs];
}
