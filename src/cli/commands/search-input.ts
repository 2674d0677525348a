import fs from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { listImageFiles, readTextLines } from '../../encode/inputs.js';
import type { Modality } from '../../encode/types.js';
import type { SearchDocument } from '../../tasks/search/index.js';

/** One parsed JSON Lines record with its line number. */
interface JsonRecord {
  line: number;
  value: Record<string, unknown>;
}

/** Reads a JSON Lines file of objects (blank lines skipped); names the file and line of any problem. */
export async function readJsonObjects(file: string): Promise<JsonRecord[]> {
  const lines = await readTextLines(file);
  const out: JsonRecord[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new FileFormatError(file, `line ${i + 1} is not valid JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new FileFormatError(file, `line ${i + 1} is not a JSON object`);
    out.push({ line: i + 1, value: value as Record<string, unknown> });
  });
  return out;
}

function idOf(file: string, r: JsonRecord): string | number {
  const id = r.value.id;
  if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) return id;
  throw new FileFormatError(file, `line ${r.line}: "id" must be a string or a number`);
}

/**
 * Documents of a JSONL file: `{"id", "text", …metadata}`, or `{"id", "path", …}` for image/audio
 * encoders (a relative path is taken from the JSONL file's folder). Every other key is metadata.
 */
export async function readDocumentsJsonl(file: string, modality: Modality): Promise<SearchDocument[]> {
  const records = await readJsonObjects(file);
  const seen = new Set<string>();
  return records.map((r) => {
    const { id: _id, text, path: p, ...metadata } = r.value;
    const id = idOf(file, r);
    if (seen.has(String(id))) throw new FileFormatError(file, `line ${r.line}: id ${JSON.stringify(id)} was already used`);
    seen.add(String(id));
    if (text !== undefined && typeof text !== 'string') throw new FileFormatError(file, `line ${r.line}: "text" must be a string`);
    if (p !== undefined && typeof p !== 'string') throw new FileFormatError(file, `line ${r.line}: "path" must be a string`);
    if (modality === 'text' && text === undefined) throw new FileFormatError(file, `line ${r.line}: no "text"`);
    if (modality !== 'text' && p === undefined)
      throw new FileFormatError(file, `line ${r.line}: no "path" (the encoder reads ${modality} files)`);
    return { id, text, path: p === undefined ? undefined : path.resolve(path.dirname(file), p), metadata };
  });
}

const TEXT_EXTENSIONS = ['.txt', '.md', '.markdown', '.rst', '.text'];

async function listTextFiles(dir: string, rel = ''): Promise<{ id: string; path: string }[]> {
  const out: { id: string; path: string }[] = [];
  const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listTextFiles(dir, r)));
    else if (e.isFile() && TEXT_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push({ id: r, path: path.join(dir, r) });
  }
  return out;
}

/**
 * Documents of a folder: for a text encoder every .txt/.md/.rst file (id = path relative to the
 * folder, metadata `{file}`), for an image encoder every image file.
 */
export async function readDocumentsFolder(dir: string, modality: Modality): Promise<SearchDocument[]> {
  if (modality === 'image') {
    const listing = await listImageFiles(dir);
    return listing.files.map((f) => ({ id: f.id, path: f.path, metadata: {} }));
  }
  if (modality !== 'text') throw new UsageError(`a folder of ${modality} files: give a JSONL file with "path" entries instead`);
  const files = await listTextFiles(dir);
  const docs: SearchDocument[] = [];
  for (const f of files) docs.push({ id: f.id, text: (await readTextLines(f.path)).join('\n'), metadata: {} });
  return docs;
}

/** Documents from `--input` (a JSONL file or a folder). */
export async function readDocuments(input: string, modality: Modality): Promise<SearchDocument[]> {
  const info = await fs.stat(input).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new FileFormatError(input, 'no such file or folder') : e;
  });
  const docs = info.isDirectory() ? await readDocumentsFolder(input, modality) : await readDocumentsJsonl(input, modality);
  if (docs.length === 0) throw new FileFormatError(input, 'holds no documents');
  return docs;
}

/** A query of `--queries`: `{"id", "text"}` or `{"id", "path"}`, optionally `"relevant": [ids]` for evaluation. */
export interface QueryRecord {
  id: string | number;
  text?: string;
  path?: string;
  relevant?: (string | number)[];
}

/** Reads `--queries` (JSONL). */
export async function readQueries(file: string): Promise<QueryRecord[]> {
  const records = await readJsonObjects(file);
  if (records.length === 0) throw new FileFormatError(file, 'holds no queries');
  return records.map((r) => {
    const id = idOf(file, r);
    const { text, path: p, relevant } = r.value;
    if (text !== undefined && typeof text !== 'string') throw new FileFormatError(file, `line ${r.line}: "text" must be a string`);
    if (p !== undefined && typeof p !== 'string') throw new FileFormatError(file, `line ${r.line}: "path" must be a string`);
    if (text === undefined && p === undefined) throw new FileFormatError(file, `line ${r.line}: a query needs "text" or "path"`);
    if (relevant !== undefined && !(Array.isArray(relevant) && relevant.every((x) => typeof x === 'string' || typeof x === 'number')))
      throw new FileFormatError(file, `line ${r.line}: "relevant" must be an array of ids`);
    return {
      id,
      text,
      path: p === undefined ? undefined : path.resolve(path.dirname(file), p),
      relevant: relevant as QueryRecord['relevant'],
    };
  });
}
