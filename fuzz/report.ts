import type { ChunkFailure } from './protocol.js';

/** What a campaign found for one target. */
export interface TargetTotals {
  cases: number;
  loaded: number;
  rejected: number;
  /** Distinct rejection messages (numbers and quoted text blanked) and their counts. */
  messages: Map<string, number>;
  /** Worker time spent on the target. */
  ms: number;
  failures: ChunkFailure[];
}

/** Prints the per-target table and every failure with the command replaying it. */
export function printReport(
  names: readonly string[],
  totals: Map<string, TargetTotals>,
  failures: readonly ChunkFailure[],
  seed: number,
  wallSeconds: number,
  topMessages = 0,
): void {
  const row = (cells: (string | number)[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(12) : String(c).padStart(9))).join(' ');
  console.log('');
  console.log(row(['target', 'cases', 'loaded', 'rejected', 'messages', 'failures', 'seconds', 'ms/case']));
  let cases = 0;
  let seconds = 0;
  for (const name of names) {
    const t = totals.get(name)!;
    cases += t.cases;
    seconds += t.ms / 1000;
    console.log(
      row([
        name,
        t.cases,
        t.loaded,
        t.rejected,
        t.messages.size,
        t.failures.length,
        (t.ms / 1000).toFixed(1),
        t.cases ? (t.ms / t.cases).toFixed(2) : '-',
      ]),
    );
  }
  console.log(row(['total', cases, '', '', '', failures.length, seconds.toFixed(1), cases ? ((seconds * 1000) / cases).toFixed(2) : '-']));
  console.log(`\nseed ${seed}; wall time ${wallSeconds.toFixed(1)} s`);
  if (topMessages > 0) {
    for (const name of names) {
      console.log(`\n${name}: most frequent rejections`);
      const sorted = [...totals.get(name)!.messages].sort((a, b) => b[1] - a[1]).slice(0, topMessages);
      for (const [shape, n] of sorted) console.log(`  ${String(n).padStart(6)}  ${shape}`);
    }
  }
  if (failures.length === 0) {
    console.log('no failures: every case loaded consistently or was rejected with an EmbedkitError naming the file');
    return;
  }
  console.log(`\n${failures.length} failure(s):`);
  for (const f of failures) {
    console.log(`\n${f.target}: ${f.detail}`);
    if (f.description) console.log(`  case:   ${f.description}`);
    console.log(`  replay: npm run fuzz -- --replay ${f.target}:${f.seed}:${f.path}`);
    if (f.saved) console.log(`  file:   ${f.saved}`);
  }
}
