import type { Command } from 'commander';
import { FileFormatError } from '../../errors.js';
import { loadEncoder } from '../../encode/registry.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { readTextFile } from '../../io/core/read-file.js';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import type { Matrix } from '../../math/matrix.js';
import { findTopics, type TopicOptions } from '../../tasks/topics/topics.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int } from '../parse.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

const TOPIC_FLAGS: readonly LibraryFlag<TopicOptions>[] = [
  { key: 'k', flags: '--k <n>', description: 'number of topics (default: √(documents / 2), 2..100)', parse: int(1) },
  { key: 'keywords', flags: '--keywords <n>', description: 'keywords per topic', parse: int(1, 1000), default: 10 },
  {
    key: 'minSimilarity',
    flags: '--min-similarity <x>',
    description: 'documents with cosine similarity below this to their topic centre are outliers (-1)',
    parse: float(-1, 1),
    default: 0,
  },
  { key: 'seed', flags: '--seed <n>', description: 'seed of the clustering', parse: int(0, 2 ** 31 - 1), default: 0 },
  { key: 'threads', flags: '--threads <n>', description: 'worker threads of the clustering', parse: int(1, 256) },
];

interface TopicFlags {
  input: string;
  encoder: string;
  embeddings?: string;
  output?: string;
  json: boolean;
}

/** `embedkit topics`: clusters text embeddings and names each cluster by its c-TF-IDF keywords. */
export function registerTopics(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('topics')
    .description('find topics in texts: cluster their embeddings (k-means) and name each cluster by class-based TF-IDF keywords')
    .requiredOption('-i, --input <file>', 'texts, one document per line')
    .option('--encoder <name>', 'text encoder for the embeddings (see embedkit encoders)', 'glove-100-sif')
    .option('--embeddings <file>', 'precomputed embeddings instead of an encoder (.npy, .fvecs, JSON Lines; one row per line of --input)');
  addLibraryFlags(command, TOPIC_FLAGS);
  command
    .option('-o, --output <file>', 'write each document’s topic (-1: outlier), one per line (atomically)')
    .option('--json', 'print JSON {topics: [{id, size, keywords: [{word, weight}], representatives}], outliers, seconds}', false)
    .action(async (o: TopicFlags & Record<string, unknown>) => {
      const options = { ...libraryOptions(o, TOPIC_FLAGS), signal: abortOnSigint() };
      const texts = (await readTextFile(o.input)).split(/\r?\n/).filter((l) => l.trim() !== '');
      if (texts.length === 0) throw new FileFormatError(o.input, 'holds no documents (empty file)');
      let embeddings: Matrix;
      if (o.embeddings) {
        const v = await readVectorsAny(o.embeddings);
        if (v.rows !== texts.length)
          throw new FileFormatError(o.embeddings, `holds ${v.rows} rows for ${texts.length} documents of ${o.input}`);
        embeddings = { rows: v.rows, dim: v.dim, data: v.data };
      } else {
        const encoder = await loadEncoder(o.encoder);
        try {
          const e = await encoder.embed(texts, { signal: options.signal });
          embeddings = { rows: e.rows, dim: e.dim, data: e.data };
        } finally {
          await encoder.dispose?.();
        }
      }
      const result = await findTopics(texts, embeddings, options);
      if (o.output) await writeFileAtomic(o.output, `${Array.from(result.labels).join('\n')}\n`);
      if (o.json || globals().json)
        printJson({ topics: result.topics, outliers: result.outliers, documents: texts.length, seconds: result.seconds });
      else
        printLines([
          `${result.topics.length} topics in ${texts.length} documents (${result.outliers} outliers), ${result.seconds.toFixed(1)} s`,
          ...result.topics.map(
            (t) => `${String(t.id).padStart(3)}  ${String(t.size).padStart(6)}  ${t.keywords.map((k) => k.word).join(' ')}`,
          ),
        ]);
    });
}
