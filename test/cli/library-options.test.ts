import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../../src/ann/hnsw-index.js';
import { INDEX_FLAGS } from '../../src/cli/commands/index-build.js';
import { SENTENCE_FLAGS, TOKENIZER_FLAGS, TRAINING_FLAGS } from '../../src/cli/commands/train-flags.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../../src/cli/library-options.js';
import { resolveTokenizerOptions } from '../../src/text/tokenizer-options.js';
import { resolveOptions, type Word2VecOptions } from '../../src/vectors/word2vec/options.js';

function parse<O>(table: readonly LibraryFlag<O>[], args: string[]): Partial<O> {
  const command = addLibraryFlags(new Command('x').exitOverride(), table);
  command.parse(args, { from: 'user' });
  return libraryOptions(command.opts(), table);
}

describe('CLI flags that set library options', () => {
  it("train's defaults are the library's", () => {
    const resolved = resolveOptions({});
    for (const flag of [...TRAINING_FLAGS, ...SENTENCE_FLAGS])
      if (flag.default !== undefined) expect([flag.key, flag.default]).toEqual([flag.key, resolved[flag.key]]);
    const tokenizer: Record<string, unknown> = resolveTokenizerOptions({});
    for (const flag of TOKENIZER_FLAGS)
      if (flag.default !== undefined) expect([flag.key, flag.default]).toEqual([flag.key, tokenizer[flag.key]]);
  });

  it("index build's defaults are the library's", () => {
    const index: Record<string, unknown> = new HnswIndex({ metric: 'l2', dim: 4, threads: 1 }) as never;
    const withDefaults = INDEX_FLAGS.filter((flag) => flag.default !== undefined);
    expect(withDefaults.map((flag) => flag.key)).toEqual(['m', 'efConstruction', 'efSearch', 'int8Range', 'seed']);
    for (const flag of withDefaults) expect([flag.key, flag.default]).toEqual([flag.key, index[flag.key]]);
  });

  it('map flags to option keys, values parsed and typed, switches and --no- switches included', () => {
    const o = parse(TRAINING_FLAGS, ['--dim', '32', '-m', 'sg', '--threads', '3', '--no-cbow-mean', '--hs', '--loss', '--alpha', '0.5']);
    expect(o).toMatchObject({ dim: 32, model: 'skipgram', workers: 3, cbowMean: false, hs: true, computeLoss: true, alpha: 0.5 });
    expect(o).not.toHaveProperty('maxVocabSize');
    const defaults = parse(TRAINING_FLAGS, []);
    expect(defaults).toMatchObject({ cbowMean: true, sharedNegatives: true, hs: false, dim: 100 });
    expect(defaults).not.toHaveProperty('alpha');
    expect(defaults).not.toHaveProperty('workers');
  });

  it('refuse a switch whose library default does not fit its form', () => {
    const wrong: LibraryFlag<Word2VecOptions> = { key: 'hs', flags: '--no-hs', description: 'x', default: false };
    expect(() => addLibraryFlags(new Command('x'), [wrong])).toThrow(/--no-hs/);
  });
});
