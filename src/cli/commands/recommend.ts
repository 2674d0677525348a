import type { Command } from 'commander';
import { FileFormatError } from '../../errors.js';
import { readTextLines } from '../../encode/inputs.js';
import { Item2Vec, type Item2VecOptions, type NextOptions, type Recommendation } from '../../tasks/recommend/index.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int } from '../parse.js';
import type { GlobalOptions } from '../run.js';

const TRAIN_FLAGS: readonly LibraryFlag<Item2VecOptions>[] = [
  { key: 'dim', flags: '--dim <n>', description: 'vector size (default 64)', parse: int(1, 4096) },
  { key: 'epochs', flags: '--epochs <n>', description: 'passes over the sessions (default 20)', parse: int(1, 10000) },
  { key: 'window', flags: '--window <n>', description: 'context window in items; 0 = whole session (default 0)', parse: int(0, 1e6) },
  { key: 'negative', flags: '--negative <n>', description: 'negative samples (default 5)', parse: int(1, 100) },
  { key: 'minCount', flags: '--min-count <n>', description: 'items seen fewer times get no vector (default 1)', parse: int(1, 1e9) },
  { key: 'sample', flags: '--sample <t>', description: 'frequent-item subsampling threshold (default 0 = off)', parse: float(0, 1) },
  { key: 'workers', flags: '--workers <n>', description: 'training threads (default 1: repeatable with --seed)', parse: int(1, 64) },
  { key: 'seed', flags: '--seed <n>', description: 'random seed (default 1)', parse: int(0, 2 ** 31) },
];

const NEXT_FLAGS: readonly LibraryFlag<NextOptions>[] = [
  { key: 'k', flags: '-k, --k <n>', description: 'items to recommend', parse: int(1, 1e6), default: 10 },
  { key: 'decay', flags: '--decay <d>', description: 'weight ratio of each older history item (default 0.7)', parse: float(1e-9, 1) },
  { key: 'window', flags: '--window <n>', description: 'history items that count (default 5)', parse: int(1, 1e6) },
];

/** Sessions file: one session per line, item ids separated by whitespace; blank lines skipped. */
async function readSessions(file: string): Promise<string[][]> {
  const sessions = (await readTextLines(file)).map((l) => l.split(/\s+/u).filter((x) => x.length > 0)).filter((s) => s.length > 0);
  if (sessions.length === 0) throw new FileFormatError(file, 'holds no sessions');
  return sessions;
}

function lines(results: Record<string, Recommendation[]>): string[] {
  return Object.entries(results).flatMap(([q, recs]) => [
    `${q}:`,
    ...recs.map((r) => `  ${r.score.toFixed(4)}  ${r.item}${r.popular ? '  (popular)' : ''}`),
  ]);
}

/** `embedkit recommend train|similar|next`: item2vec recommendations. */
export function registerRecommend(program: Command, globals: () => GlobalOptions): void {
  const rec = program
    .command('recommend')
    .description('item2vec recommendations from sessions: similar items, next items, popularity fallback');

  const train = rec
    .command('train')
    .description('train item vectors on sessions (one per line, item ids separated by spaces)')
    .requiredOption('-i, --input <file>', 'sessions file')
    .requiredOption('-o, --output <file>', 'model file (.ekv: item vectors + counts)')
    .option('--json', 'print a JSON summary', false);
  addLibraryFlags(train, TRAIN_FLAGS);
  train.action(async (o: { input: string; output: string; json: boolean } & Record<string, unknown>) => {
    const started = performance.now();
    const sessions = await readSessions(o.input);
    const model = await Item2Vec.fit(sessions, libraryOptions(o, TRAIN_FLAGS));
    await model.save(o.output);
    const summary = {
      output: o.output,
      sessions: sessions.length,
      items: model.size,
      dimension: model.vectors.dim,
      seconds: (performance.now() - started) / 1000,
    };
    if (o.json || globals().json) return printJson(summary);
    printLines([`${model.size} items from ${sessions.length} sessions → ${o.output} (${summary.seconds.toFixed(1)} s)`]);
  });

  rec
    .command('similar')
    .description('items used like each given item (popular items for unknown ones)')
    .argument('<model>', 'model file of `recommend train`')
    .argument('<items...>', 'item ids')
    .option('-k, --k <n>', 'items per query', int(1, 1e6), 10)
    .option('--json', 'print {"results": {ITEM: [{"item", "score", "popular"?}]}}', false)
    .action(async (file: string, items: string[], o: { k: number; json: boolean }) => {
      const model = await Item2Vec.load(file);
      const results = Object.fromEntries(items.map((it) => [it, model.similar(it, o.k)]));
      if (o.json || globals().json) return printJson({ results });
      printLines(lines(results));
    });

  const next = rec
    .command('next')
    .description('items likely to follow a history (oldest first; popular items fill in)')
    .argument('<model>', 'model file of `recommend train`')
    .argument('<history...>', 'item ids, oldest first')
    .option('--json', 'print {"results": [{"item", "score", "popular"?}]}', false);
  addLibraryFlags(next, NEXT_FLAGS);
  next.action(async (file: string, history: string[], o: { json: boolean } & Record<string, unknown>) => {
    const model = await Item2Vec.load(file);
    const results = model.next(history, libraryOptions(o, NEXT_FLAGS));
    if (o.json || globals().json) return printJson({ results });
    printLines(lines({ next: results }));
  });
}
