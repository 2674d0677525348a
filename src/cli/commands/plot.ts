import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import type { Matrix } from '../../math/matrix.js';
import { renderScatter } from '../../plot/scatter-svg.js';
import { plotFormatOf, writePlot } from '../../plot/plot-file.js';
import { selectPoints, type PointSelection, type SelectBy } from '../../plot/select-points.js';
import { readWordLabels, readWordList, type WordLabels } from '../../plot/word-files.js';
import { project, type ProjectOptions } from '../../project/index.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { clusterColors } from './plot-colors.js';

const METHODS = ['pca', 'tsne', 'umap', 'none'] as const;
type PlotMethod = (typeof METHODS)[number];
const METHOD_NAMES: Record<PlotMethod, string> = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP', none: 'the given coordinates' };

/** Projection parameters passed to `project` (its defaults apply when absent). */
const PROJECT_FLAGS: readonly LibraryFlag<ProjectOptions>[] = [
  { key: 'perplexity', flags: '--perplexity <x>', description: 'tsne: perplexity (default 30)', parse: float(1) },
  { key: 'neighbors', flags: '--neighbors <n>', description: 'umap: neighbourhood size (default 15)', parse: int(2) },
  {
    key: 'minDist',
    flags: '--min-dist <x>',
    description: 'umap: smallest distance between embedded points (default 0.1)',
    parse: float(0),
  },
  { key: 'iterations', flags: '--iterations <n>', description: 'tsne: gradient steps, umap: epochs, pca: power iterations', parse: int(1) },
  {
    key: 'threads',
    flags: '--threads <n>',
    description: 'worker threads of the projection (1: bit-for-bit repeatable with --seed)',
    parse: int(1, 256),
    default: 1,
  },
];

/** Points plotted when neither --words, --top nor --labels says which. */
const DEFAULT_TOP = 500;

interface PlotFlags {
  method: PlotMethod;
  words?: string;
  top?: number;
  labels?: string;
  colorBy?: 'cluster' | 'label' | 'none';
  dims: number;
  k: number;
  seed: number;
  output: string;
  width: number;
  height: number;
  title?: string;
  subtitle?: string;
  fontSize: number;
  maxLabels: number;
  json: boolean;
  quiet: boolean;
}

/** The selected rows as one matrix, in selection order. */
function gather(data: Float32Array, dim: number, sel: PointSelection): Matrix {
  const out = new Float32Array(sel.rows.length * dim);
  sel.rows.forEach((r, i) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
  return { rows: sel.rows.length, dim, data: out };
}

/** The projection's parameters for the subtitle: those given and the defaults that shape the picture. */
function projectionParameters(o: PlotFlags & Record<string, unknown>): string {
  const p = libraryOptions(o, PROJECT_FLAGS);
  if (o.method === 'tsne') return `, perplexity ${p.perplexity ?? 30}`;
  if (o.method === 'umap') return `, ${p.neighbors ?? 15} neighbours, min-dist ${p.minDist ?? 0.1}`;
  return '';
}

function checkFlags(o: PlotFlags): void {
  plotFormatOf(o.output);
  if (o.dims !== 2) throw new UsageError(`plots are 2-D (--dims 2); for ${o.dims}-D coordinates run \`embedkit project --dims ${o.dims}\``);
  if (o.words && o.top !== undefined) throw new UsageError('give --words or --top, not both');
  if (o.colorBy === 'label' && !o.labels) throw new UsageError('--color-by label needs --labels FILE');
}

/** `embedkit plot INPUT --output out.svg|out.png`: a labelled scatter plot of a 2-D projection. */
export function registerPlot(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('plot')
    .description(
      'draw a labelled scatter plot of vectors projected to 2-D (PCA, t-SNE, UMAP) as SVG or PNG: labels without overlaps, colours by k-means cluster or by your labels, legend inside the image',
    )
    .argument('<input>', 'word vectors (any supported format) or vectors (.fvecs, .npy, JSON Lines {"id", "vector"})')
    .addOption(
      new Option('--method <method>', 'projection: pca, tsne, umap, or none (the input is 2-D coordinates)')
        .default('pca')
        .argParser(oneOf(METHODS)),
    )
    .option('--words <file>', 'plot these words, one per line (or the first column of a TSV), in this order of priority')
    .option('--top <n>', `plot the first n rows (the most frequent words of a word-vector file; default ${DEFAULT_TOP})`, int(1))
    .option('--labels <file>', 'word<TAB>label lines: colour the points by label (alone: plot the listed words)')
    .addOption(
      new Option('--color-by <how>', 'colours: cluster (k-means), label (--labels) or none (default: label with --labels)').argParser(
        oneOf(['cluster', 'label', 'none'] as const),
      ),
    )
    .option('--dims <n>', 'dimensions of the projection (plots are 2-D)', int(1), 2)
    .option('--k <n>', 'clusters for --color-by cluster', int(1), 8)
    .option('--seed <n>', 'seed of the projection and of k-means', int(0, 2 ** 31 - 1), 0);
  addLibraryFlags(command, PROJECT_FLAGS);
  command
    .requiredOption('-o, --output <file>', 'image to write (atomically): .svg, or .png (needs the npm package @resvg/resvg-js)')
    .option('--width <px>', 'image width', int(200, 20000), 1000)
    .option('--height <px>', 'image height', int(200, 20000), 750)
    .option('--title <text>', 'heading (default: method, number of points and the input file)')
    .option('--subtitle <text>', 'line under the heading (default: the parameters)')
    .option('--font-size <px>', 'label font size', int(4, 72), 11)
    .option('--max-labels <n>', 'most labels to try to place (those without room are dropped; 0: none)', int(0), 400)
    .option(
      '--json',
      'print JSON {output, format, bytes, width, height, points, method, labelsPlaced, labelsDropped, legend, seconds}',
      false,
    )
    .option('-q, --quiet', 'no progress display', false)
    .action(async (input: string, o: PlotFlags & Record<string, unknown>) => {
      checkFlags(o);
      const signal = abortOnSigint();
      const json = o.json || globals().json;
      const started = performance.now();
      const labelFile: WordLabels | undefined = o.labels ? await readWordLabels(o.labels) : undefined;
      const by: SelectBy = o.words
        ? { words: await readWordList(o.words), file: o.words }
        : o.top === undefined && labelFile
          ? { words: labelFile.words, file: o.labels! }
          : { top: o.top ?? DEFAULT_TOP };
      const file = await readVectorsAny(input, 'top' in by ? { limit: by.top } : {});
      const ids = file.ids?.map(String);
      const selection = selectPoints(ids, file.rows, by, input);
      const x = gather(file.data, file.dim, selection);
      if (labelFile && !ids) throw new UsageError(`--labels matches words, but ${input} has no words or ids (a matrix file)`);
      const noun = ids && file.format !== 'jsonl' ? 'words' : 'vectors';

      const bar = new ProgressBar(!o.quiet && !json);
      const projectStart = performance.now();
      let coords: ArrayLike<number>;
      let methodNote = '';
      if (o.method === 'none') {
        if (x.dim !== 2)
          throw new UsageError(
            `--method none plots 2-D coordinates, but ${input} holds ${x.dim}-D vectors: choose --method pca, tsne or umap`,
          );
        coords = x.data;
      } else {
        const p = await project(x.data, x.rows, x.dim, {
          ...libraryOptions(o, PROJECT_FLAGS),
          method: o.method,
          dims: 2,
          seed: o.seed,
          signal,
          onProgress: ({ phase, progress }) => bar.update(o.method, progress, `${phase} (${METHOD_NAMES[o.method]} of ${x.rows} ${noun})`),
        });
        coords = p.coords;
        const ratio = p.explainedVarianceRatio;
        if (ratio) methodNote = ` · the 2 components explain ${(100 * (ratio[0] + ratio[1])).toFixed(1)} % of the variance`;
      }
      bar.done();
      const projectSeconds = (performance.now() - projectStart) / 1000;

      const colorBy = o.colorBy ?? (labelFile ? 'label' : 'none');
      let groups: (string | undefined)[] | undefined;
      let legendTitle: string | undefined;
      let colorNote = '';
      if (colorBy === 'cluster') {
        const c = await clusterColors(x, selection.names, o.k, o.seed, signal);
        groups = c.groups;
        legendTitle = c.legendTitle;
        colorNote = ` · colours: k-means, k = ${c.k}, on the ${x.dim}-d vectors`;
      } else if (colorBy === 'label' && labelFile) {
        groups = (selection.names ?? []).map((w) => labelFile.labels.get(w));
        legendTitle = path.basename(o.labels!);
        colorNote = ` · colours: ${path.basename(o.labels!)}`;
      }

      const renderStart = performance.now();
      const method = METHOD_NAMES[o.method];
      const title = o.title ?? `${o.method === 'none' ? 'Plot' : method} of ${x.rows} ${noun} from ${path.basename(input)}`;
      const subtitle =
        o.subtitle ??
        (o.method === 'none'
          ? `2-D coordinates`
          : `${x.dim}-d vectors → 2-D by ${method}${projectionParameters(o)} · seed ${o.seed}${methodNote}`) + colorNote;
      const scatter = renderScatter(coords, x.rows, 2, {
        width: o.width,
        height: o.height,
        title,
        subtitle,
        labels: o.maxLabels > 0 ? selection.names : undefined,
        maxLabels: o.maxLabels,
        groups,
        groupOrder: colorBy === 'cluster' ? 'size' : 'appearance',
        legendTitle,
        fontSize: o.fontSize,
      });
      const written = await writePlot(o.output, scatter.svg);
      const renderSeconds = (performance.now() - renderStart) / 1000;
      const result = {
        output: o.output,
        format: written.format,
        bytes: written.bytes,
        width: scatter.width,
        height: scatter.height,
        points: x.rows,
        dim: x.dim,
        method: o.method,
        seed: o.seed,
        colorBy,
        labelsPlaced: scatter.labels.length,
        labelsDropped: scatter.droppedLabels.length,
        legend: scatter.legend.map((c) => ({ name: c.name, color: c.color, count: c.count })),
        seconds: { project: projectSeconds, render: renderSeconds, total: (performance.now() - started) / 1000 },
      };
      if (json) return printJson(result);
      printLines([
        `${o.output}: ${written.format.toUpperCase()} ${scatter.width}×${scatter.height}, ${x.rows} points (${method}, ${projectSeconds.toFixed(2)} s), ` +
          `${scatter.labels.length} labels placed, ${scatter.droppedLabels.length} left out for lack of room` +
          (scatter.legend.length > 0 ? `, ${scatter.legend.length} legend entries` : ''),
      ]);
    });
}
