import type { Command } from 'commander';
import { Option } from 'commander';
import { loadVectorsWithInfo } from '../../vectors/load.js';
import { saveVectors } from '../../vectors/save.js';
import type { VectorFormatName } from '../../io/word-vectors/vector-format.js';
import { FORMAT_NAMES } from '../../io/word-vectors/formats.js';
import { printJson, printLines } from '../output.js';
import { int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';

/** `embedkit convert IN OUT`: between vector formats. */
export function registerConvert(program: Command, globals: () => GlobalOptions): void {
  program
    .command('convert')
    .description('convert vectors between formats (ekv, word2vec text/binary, fastText .vec, GloVe; .gz read and written)')
    .argument('<input>', 'vectors file (format detected from its content)')
    .argument('<output>', 'file to write (atomically)')
    .addOption(new Option('--from <format>', 'input format (default: detect)').argParser(oneOf(FORMAT_NAMES)))
    .addOption(new Option('--to <format>', 'output format (default: from the extension)').argParser(oneOf(FORMAT_NAMES)))
    .option('--limit <n>', 'convert only the first n vectors', int(1))
    .option('--json', 'print JSON', false)
    .action(async (input: string, output: string, o: { from?: VectorFormatName; to?: VectorFormatName; limit?: number; json: boolean }) => {
      const t0 = performance.now();
      const r = await loadVectorsWithInfo(input, { ...(o.from ? { format: o.from } : {}), ...(o.limit ? { limit: o.limit } : {}) });
      await saveVectors(r.vectors, output, o.to ? { format: o.to } : {});
      const result = {
        input,
        output,
        from: r.format,
        to: o.to ?? 'auto',
        words: r.vectors.size,
        dim: r.vectors.dim,
        seconds: (performance.now() - t0) / 1000,
        warnings: r.warnings,
      };
      if (o.json || globals().json) return printJson(result);
      printLines([
        `${input} (${r.format}) -> ${output}: ${r.vectors.size} words × ${r.vectors.dim} dims in ${result.seconds.toFixed(2)} s`,
        ...r.warnings.map((w) => `warning: ${w}`),
      ]);
    });
}
