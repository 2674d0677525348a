import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './paths.js';

/** Runs Debian's `fasttext` 0.9.2 CLI; throws with its stderr on failure. */
export function fasttext(args: string[], input?: string): string {
  const r = spawnSync('fasttext', args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`fasttext ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Parses `print-word-vectors` output (one `word v1 … vd` line per input word). */
export function parseWordVectors(out: string): { word: string; vector: number[] }[] {
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const parts = l.trimEnd().split(' ');
      return { word: parts[0], vector: parts.slice(1).map(Number) };
    });
}

/** The quantized language-identification model shipped in the `fasttext.wasm.js` dev dependency. */
export const LID_FTZ = resolve(ROOT, 'node_modules/fasttext.wasm.js/dist/models/language-identification/assets/lid.176.ftz');
export const lidAvailable = (): boolean => existsSync(LID_FTZ);
