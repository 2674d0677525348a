// jieba (dictionary + HMM Chinese word segmentation, https://github.com/fxsjy/jieba) through the
// optional package @node-rs/jieba (a Rust port, prebuilt binaries, its dictionary shipped in the
// package). Loaded synchronously on first use, once per thread: the tokenizer's API is synchronous,
// and the vocabulary scan builds its tokenizer on a worker thread.
import { requireOptional, requirePackages } from '../../optional-packages.js';

/** The optional npm package that provides jieba. */
export const JIEBA_PACKAGE = '@node-rs/jieba';

/** The parts of @node-rs/jieba 2.x embedkit uses. */
interface JiebaModule {
  Jieba: { withDict(dict: Uint8Array): JiebaInstance };
}
interface JiebaDictModule {
  dict: Uint8Array;
}

/** A loaded jieba segmenter. */
export interface JiebaInstance {
  /** Words of `sentence` in order (spaces and punctuation included as words), HMM for unknown words when `hmm`. */
  cut(sentence: string, hmm?: boolean): string[];
  /** Words with their part-of-speech tag (ICTCLAS style: `n`, `v`, `nr` …; `x` for punctuation and HMM words). */
  tag(sentence: string, hmm?: boolean): { word: string; tag: string }[];
}

let instance: JiebaInstance | undefined;

/**
 * Throws MissingPackageError (with the `npm install` command) if @node-rs/jieba is not installed;
 * cheap (nothing is loaded), so options can be checked early.
 */
export function checkJiebaInstalled(user: string): void {
  requirePackages('jieba', [JIEBA_PACKAGE], user);
}

/**
 * The jieba segmenter with the package's default dictionary (about 350k words; loading it takes a
 * few hundred milliseconds, once per thread).
 * @throws MissingPackageError if @node-rs/jieba is not installed.
 */
export function loadJieba(user = 'jieba word segmentation'): JiebaInstance {
  if (instance === undefined) {
    const { Jieba } = requireOptional<JiebaModule>('jieba', JIEBA_PACKAGE, JIEBA_PACKAGE, user);
    const { dict } = requireOptional<JiebaDictModule>('jieba', JIEBA_PACKAGE, `${JIEBA_PACKAGE}/dict`, user);
    instance = Jieba.withDict(dict);
  }
  return instance;
}
