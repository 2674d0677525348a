import { crc32 } from '../../src/io/core/crc32.js';
import { readVectorsAny, type AnyVectors } from '../../src/io/matrix/read-any.js';
import { EKV_FIELD, EKV_HEADER_BYTES, EKV_MAGIC } from '../../src/io/word-vectors/ekv-layout.js';
import { readWordVectors, readWordVectorsSync } from '../../src/io/word-vectors/read.js';
import type { VectorFormatName, WordVectorsFile } from '../../src/io/word-vectors/vector-format.js';
import type { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { loadVectors, loadVectorsSync } from '../../src/vectors/load.js';
import { firstProblem, sameFloatsProblem, sameListProblem, shapeProblem, uniqueProblem } from '../lib/checks.js';
import type { FuzzTarget, ReadContext } from '../lib/target.js';
import { wordVectorBases, type ExpectedWordVectors } from './word-vector-bases.js';

type Result = { file: WordVectorsFile } | { kv: KeyedVectors } | { any: AnyVectors };

const LIMIT = 2;

function variants(format: VectorFormatName): string[] {
  const list = [
    'readWordVectors',
    'readWordVectorsSync',
    `readWordVectors format=${format}`,
    `readWordVectors limit=${LIMIT}`,
    'loadVectors',
    'loadVectorsSync',
    'readVectorsAny',
  ];
  if (format === 'ekv') list.push('readWordVectors verifyChecksum=false');
  else list.push("readWordVectors duplicates='error' unicodeErrors='replace'");
  return list;
}

async function read(format: VectorFormatName, file: string, variant: string): Promise<Result> {
  switch (variant) {
    case 'readWordVectors':
      return { file: await readWordVectors(file) };
    case 'readWordVectorsSync':
      return { file: readWordVectorsSync(file) };
    case `readWordVectors format=${format}`:
      return { file: await readWordVectors(file, { format }) };
    case `readWordVectors limit=${LIMIT}`:
      return { file: await readWordVectors(file, { limit: LIMIT }) };
    case 'loadVectors':
      return { kv: await loadVectors(file) };
    case 'loadVectorsSync':
      return { kv: loadVectorsSync(file) };
    case 'readVectorsAny':
      return { any: await readVectorsAny(file) };
    case 'readWordVectors verifyChecksum=false':
      return { file: await readWordVectors(file, { verifyChecksum: false }) };
    default:
      return { file: await readWordVectors(file, { duplicates: 'error', unicodeErrors: 'replace' }) };
  }
}

function wordsOf(words: WordVectorsFile['words']): string[] {
  return Array.isArray(words) ? words : words.toArray();
}

function checkFile(r: WordVectorsFile, variant: string, expected: ExpectedWordVectors | undefined): string | undefined {
  const words = wordsOf(r.words);
  const rows = words.length;
  return firstProblem(
    shapeProblem(rows, r.dim, r.vectors.length),
    words.every((w) => typeof w === 'string') ? undefined : 'a word is not a string',
    r.counts === undefined || r.counts.length === rows ? undefined : `${r.counts.length} counts for ${rows} words`,
    r.rowsRead >= rows ? undefined : `rowsRead ${r.rowsRead} < ${rows} rows`,
    variant.includes('limit') && rows > LIMIT ? `${rows} rows despite limit ${LIMIT}` : undefined,
    expected && sameListProblem(words, variant.includes('limit') ? expected.words.slice(0, LIMIT) : expected.words, 'words'),
    expected &&
      sameFloatsProblem(r.vectors, variant.includes('limit') ? expected.vectors.subarray(0, LIMIT * expected.dim) : expected.vectors),
  );
}

function checkKeyed(kv: KeyedVectors, expected: ExpectedWordVectors | undefined): string | undefined {
  const words = kv.words;
  const indexProblem = words.findIndex((w, i) => kv.indexOf(w) !== i);
  return firstProblem(
    shapeProblem(kv.size, kv.dim, kv.vectors.length),
    words.length === kv.size ? undefined : `${words.length} words, size ${kv.size}`,
    uniqueProblem(words),
    indexProblem < 0 ? undefined : `indexOf(${JSON.stringify(words[indexProblem])}) is not ${indexProblem}`,
    kv.counts === undefined || kv.counts.length === kv.size ? undefined : `${kv.counts.length} counts for ${kv.size} words`,
    expected && sameListProblem(words, expected.words, 'words'),
    expected && sameFloatsProblem(kv.vectors, expected.vectors),
    expected?.counts && kv.counts ? sameListProblem(kv.counts, expected.counts, 'counts') : undefined,
  );
}

function checkAny(r: AnyVectors, expected: ExpectedWordVectors | undefined): string | undefined {
  return firstProblem(
    shapeProblem(r.rows, r.dim, r.data.length),
    r.ids === undefined || r.ids.length === r.rows ? undefined : `${r.ids?.length} ids for ${r.rows} rows`,
    r.ids && uniqueProblem(r.ids),
    expected && r.ids ? sameListProblem(r.ids, expected.words, 'ids') : undefined,
    expected && sameFloatsProblem(r.data, expected.vectors),
  );
}

/** Recomputes both checksums of an ekv file (payload over [128, end), then the header). */
function fixEkvChecksums(bytes: Uint8Array): Uint8Array {
  if (bytes.length < EKV_HEADER_BYTES) return bytes;
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  view.setUint32(EKV_FIELD.payloadCrc, crc32(out.subarray(EKV_HEADER_BYTES)), true);
  view.setUint32(EKV_FIELD.headerCrc, crc32(out.subarray(0, EKV_FIELD.headerCrc)), true);
  return out;
}

/** The fuzz target of one word-vector format: its readers through every public entry point. */
export function wordVectorsTarget(format: VectorFormatName): FuzzTarget<Result> {
  return {
    name: format,
    readers: 'readWordVectors(+Sync), loadVectors(+Sync), readVectorsAny',
    variants: variants(format),
    gzip: true,
    magic: format === 'ekv' ? EKV_MAGIC : undefined,
    bases: () => Promise.resolve(wordVectorBases(format)),
    fixChecksums: format === 'ekv' ? fixEkvChecksums : undefined,
    read: (file, variant) => read(format, file, variant),
    check(result, context: ReadContext) {
      const expected = context.unchanged && !context.base.foreign ? (context.base.expected as ExpectedWordVectors) : undefined;
      if ('file' in result) {
        // A word2vec file of 0 rows is just its header: text and binary are the same file then.
        const ambiguous = result.file.vectors.length === 0 && format.startsWith('w2v') && result.file.format.startsWith('w2v');
        const detected = context.unchanged && !context.base.foreign;
        const forced = context.variant.includes('format=');
        const formatProblem =
          (detected || forced) && !ambiguous && result.file.format !== format ? `read as ${result.file.format}` : undefined;
        return firstProblem(formatProblem, checkFile(result.file, context.variant, expected));
      }
      if ('kv' in result) return checkKeyed(result.kv, expected);
      return checkAny(result.any, expected);
    },
  };
}
