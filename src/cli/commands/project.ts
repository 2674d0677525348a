import type { Command } from 'commander';
import { Option } from 'commander';
import { FileFormatError } from '../../errors.js';
import { openAtomicWriter } from '../../io/core/atomic-write.js';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import { project, type ProjectOptions } from '../../project/project.js';
import type { ProjectionMethod, ProjectionProgress } from '../../project/types.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines, writeOut } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

const METHODS = allValues<ProjectionMethod>({ pca: true, tsne: true, umap: true });

/** Flags that pass straight to {@link project}, with the library's defaults. */
const PROJECT_FLAGS: readonly LibraryFlag<ProjectOptions>[] = [
  { key: 'method', flags: '--method <method>', description: 'pca, tsne or umap', parse: oneOf(METHODS), default: 'pca' },
  {
    key: 'dims',
    flags: '--dims <n>',
    description: 'output dimensions: 2 or 3',
    parse: (v) => (oneOf(['2', '3'] as const)(v) === '2' ? 2 : 3),
    default: 2,
  },
  {
    key: 'perplexity',
    flags: '--perplexity <x>',
    description: 'tsne: perplexity (3·perplexity neighbours per point)',
    parse: float(1),
    default: 30,
  },
  {
    key: 'tsneMethod',
    flags: '--tsne-method <method>',
    description: 'tsne: repulsion by barnes-hut (accurate), fast (sampled; for very large sets) or auto (barnes-hut up to 30k rows)',
    parse: oneOf(['auto', 'barnes-hut', 'fast'] as const),
    default: 'auto',
  },
  { key: 'neighbors', flags: '--neighbors <n>', description: 'umap: neighbourhood size, the point included', parse: int(2), default: 15 },
  {
    key: 'minDist',
    flags: '--min-dist <x>',
    description: 'umap: smallest distance between embedded points',
    parse: float(0),
    default: 0.1,
  },
  {
    key: 'iterations',
    flags: '--iterations <n>',
    description: 'tsne: gradient iterations (default 1000); umap: epochs (default 500, 200 above 10,000 points); pca: power iterations',
    parse: int(1),
  },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'seed (with --threads 1 the output repeats bit for bit)',
    parse: int(0, 2 ** 31 - 1),
    default: 0,
  },
  { key: 'threads', flags: '--threads <n>', description: 'worker threads (default: the available cores)', parse: int(1, 256) },
];

interface ProjectFlags {
  output?: string;
  limit?: number;
  json: boolean;
  quiet: boolean;
}

const PHASES: Record<ProjectionProgress['phase'], string> = {
  prepare: 'copy',
  pca: 'pca',
  neighbors: 'kNN',
  affinities: 'graph',
  optimize: 'layout',
};

/** Rows of the coordinates table: `id` then x, y (and z), tab-separated, one header line. */
async function* coordinateLines(
  ids: readonly unknown[] | undefined,
  coords: Float32Array,
  n: number,
  dims: number,
): AsyncGenerator<string> {
  const axes = ['x', 'y', 'z'].slice(0, dims);
  yield `id\t${axes.join('\t')}\n`;
  const CHUNK = 8192;
  for (let start = 0; start < n; start += CHUNK) {
    let text = '';
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      const id = ids ? String(ids[i]).replace(/[\t\n\r]/g, ' ') : String(i);
      text += id;
      for (let c = 0; c < dims; c++) text += `\t${coords[i * dims + c]}`;
      text += '\n';
    }
    yield text;
  }
}

/** `embedkit project`: PCA, t-SNE or UMAP coordinates of the vectors of a file, as TSV. */
export function registerProject(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('project')
    .description('project vectors to 2-D or 3-D with PCA, t-SNE or UMAP (worker threads, seeded); writes TSV: id, x, y[, z]')
    .argument('<vectors>', 'vectors: a word-vector file (ekv, word2vec, fastText .vec, GloVe), .fvecs, .npy or JSON Lines');
  addLibraryFlags(command, PROJECT_FLAGS);
  command
    .option('-o, --output <file>', 'write the coordinates here (TSV, written atomically); default: stdout')
    .option('--limit <n>', 'use only the first n vectors', int(1))
    .addOption(
      new Option(
        '--json',
        'print JSON {method, n, dim, dims, seconds, output[, explainedVarianceRatio]}; without --output also ids and coords',
      ).default(false),
    )
    .option('-q, --quiet', 'no progress display', false)
    .action(async (file: string, o: ProjectFlags & Record<string, unknown>) => {
      const signal = abortOnSigint();
      const json = o.json || globals().json;
      const options = libraryOptions(o, PROJECT_FLAGS) as ProjectOptions;
      const v = await readVectorsAny(file, o.limit !== undefined ? { limit: o.limit } : {});
      if (v.rows === 0) throw new FileFormatError(file, 'holds no vectors');
      const bar = new ProgressBar(!o.quiet);
      const r = await project(v.data, v.rows, v.dim, {
        ...options,
        signal,
        onProgress: ({ phase, progress }) => bar.update(PHASES[phase], progress, `${options.method} of ${v.rows} × ${v.dim}`),
      });
      bar.done();
      const lines = coordinateLines(v.ids, r.coords, r.n, r.dims);
      if (o.output) {
        const writer = await openAtomicWriter(o.output);
        try {
          for await (const chunk of lines) await writer.write(chunk);
        } catch (e) {
          await writer.abort();
          throw e;
        }
        await writer.commit();
      }
      const variance = r.explainedVarianceRatio ? { explainedVarianceRatio: Array.from(r.explainedVarianceRatio) } : {};
      if (json) {
        // without --output the coordinates come inside the JSON document: [[x, y], …] in input order
        const points = o.output
          ? {}
          : {
              ids: v.ids ?? null,
              coords: Array.from({ length: r.n }, (_, i) => Array.from(r.coords.subarray(i * r.dims, (i + 1) * r.dims))),
            };
        printJson({
          method: options.method,
          n: r.n,
          dim: v.dim,
          dims: r.dims,
          seconds: r.seconds,
          output: o.output ?? null,
          ...variance,
          ...points,
        });
        return;
      }
      if (!o.output) {
        for await (const chunk of lines) await writeOut(chunk);
        return;
      }
      const share = r.explainedVarianceRatio
        ? `; explained variance ${Array.from(r.explainedVarianceRatio, (x) => (100 * x).toFixed(1) + ' %').join(', ')}`
        : '';
      printLines([
        `${options.method}: ${r.n} vectors × ${v.dim} → ${r.dims}-D in ${r.seconds.toFixed(2)} s${share}`,
        `coordinates written to ${o.output}`,
      ]);
    });
}
