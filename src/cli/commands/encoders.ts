import type { Command } from 'commander';
import { Option } from 'commander';
import { listEncoders } from '../../encode/registry.js';
import type { Modality } from '../../encode/types.js';
import { printJson, printLines, table } from '../output.js';
import { oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';

/** `embedkit encoders`: the registry, with dimension and availability (nothing is loaded). */
export function registerEncoders(program: Command, globals: () => GlobalOptions): void {
  program
    .command('encoders')
    .description('list the named encoders (embedkit embed --encoder NAME) with modality, dimension and availability')
    .addOption(new Option('--modality <modality>', 'only text or image encoders').argParser(oneOf(['text', 'image', 'audio'] as const)))
    .option('--json', 'print JSON [{name, modality, dimension, description, requires, available, reason, note, …}]', false)
    .action((o: { modality?: Modality; json: boolean }) => {
      const list = listEncoders(o.modality ? { modality: o.modality } : {});
      if (o.json || globals().json) return printJson(list);
      const rows: (string | number)[][] = [['name', 'modality', 'dim', 'available', 'description']];
      for (const e of list)
        rows.push([e.name, e.modality, e.dimension > 0 ? e.dimension : 'model', e.available ? 'yes' : 'no', e.description]);
      const notes = list.flatMap((e) => [
        ...(e.reason ? [`  ${e.name}: not available: ${e.reason}`] : []),
        ...(e.note ? [`  ${e.name}: ${e.note}`] : []),
      ]);
      printLines([...table(rows), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])]);
    });
}
