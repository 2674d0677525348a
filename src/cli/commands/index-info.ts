import type { Command } from 'commander';
import { loadIndex } from '../../ann/index.js';
import { printJson, printLines, table } from '../output.js';
import type { GlobalOptions } from '../run.js';
import { fileBytes, megabytes } from './index-input.js';

/** `embedkit index info FILE`: settings and statistics of a saved index. */
export function registerIndexInfo(index: Command, globals: () => GlobalOptions): void {
  index
    .command('info')
    .description('settings of a saved index (type, metric, dimension, size, quantization, HNSW graph statistics)')
    .argument('<file>', 'index file')
    .option('--json', 'print JSON', false)
    .action(async (file: string, o: { json: boolean }) => {
      const idx = await loadIndex(file, { threads: 1 });
      const bytes = await fileBytes(file);
      const info = {
        file,
        bytes,
        type: idx.type,
        metric: idx.metric,
        dim: idx.dim,
        size: idx.size,
        quantize: idx.quantize,
        ...(idx.quantize === 'int8' ? { int8Range: idx.int8Range } : {}),
        ...(idx.type === 'hnsw'
          ? { m: idx.m, efConstruction: idx.efConstruction, efSearch: idx.efSearch, seed: idx.seed, graph: idx.graphStats() }
          : {}),
      };
      if (o.json || globals().json) return printJson(info);
      const rows: (string | number)[][] = [
        ['file', `${file} (${megabytes(bytes)}, ${bytes} bytes)`],
        ['type', idx.type === 'hnsw' ? 'hnsw (approximate)' : 'flat (exact)'],
        ['metric', idx.metric],
        ['dim', `${idx.dim}${idx.metric === 'hamming' ? ' bits' : ''}`],
        ['vectors', String(idx.size)],
        [
          'quantize',
          idx.quantize === 'int8'
            ? `int8 (${idx.int8Range} range), exact re-ranking`
            : idx.quantize === 'binary'
              ? 'binary sign codes, exact re-ranking'
              : 'none',
        ],
      ];
      if (idx.type === 'hnsw') {
        const g = idx.graphStats();
        rows.push(
          ['hnsw', `M ${idx.m}, efConstruction ${idx.efConstruction}, efSearch ${idx.efSearch}, seed ${idx.seed}`],
          ['graph', `entry slot ${g.entry} on level ${g.maxLevel}, mean level-0 degree ${g.meanDegree0.toFixed(1)} (max ${2 * idx.m})`],
          ['levels', g.levelCounts.map((n, l) => `L${l} ${n}`).join(', ')],
        );
      }
      // table() pads the first column; values are strings so they stay left-aligned.
      printLines(table([['', ''], ...rows]).slice(1));
    });
}
