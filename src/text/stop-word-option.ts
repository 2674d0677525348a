import { UsageError } from '../errors.js';
import { STOP_WORD_LISTS, isStopWordListName, type StopWordListName } from './stopwords/index.js';

/**
 * Which stop words a {@link Tokenizer} removes:
 * - `false`: none (the default);
 * - `'en'` or `'zh'`: a built-in list;
 * - any iterable of strings (an array, a `Set`): exactly those words;
 * - `{ lists, extra }`: built-in lists combined with words of your own, e.g.
 *   `{ lists: ['en', 'zh'], extra: ['foo'] }`.
 *
 * Note that an array such as `['en']` is a list of words (the word "en"), not a list name.
 */
export type StopWordsOption =
  | false
  | StopWordListName
  | Iterable<string>
  | {
      /** Built-in lists to include, e.g. `['en', 'zh']`. */
      readonly lists?: readonly StopWordListName[];
      /** Words of your own to add (an array or a `Set`). */
      readonly extra?: Iterable<string>;
    };

/**
 * Resolves a {@link StopWordsOption} to the raw words it names (not yet normalized).
 * @throws UsageError for an unknown list name or a non-string word.
 */
export function stopWordsFromOption(option: StopWordsOption | undefined): string[] {
  if (option === undefined || option === false) return [];
  if (typeof option === 'string') {
    if (!isStopWordListName(option)) {
      throw new UsageError(`stopWords: unknown built-in list '${option}' (expected 'en' or 'zh')`);
    }
    return [...STOP_WORD_LISTS[option]];
  }
  if (typeof option !== 'object' || option === null) {
    throw new UsageError(`stopWords: expected false, 'en', 'zh', an iterable of words or {lists, extra}`);
  }
  if (Symbol.iterator in option) return checkedWords(option as Iterable<unknown>, 'stopWords');
  const { lists = [], extra = [] } = option as { lists?: unknown; extra?: unknown };
  if (!Array.isArray(lists)) throw new UsageError(`stopWords.lists: expected an array of 'en' | 'zh'`);
  const words: string[] = [];
  for (const name of lists) {
    if (!isStopWordListName(name)) {
      throw new UsageError(`stopWords.lists: unknown built-in list '${String(name)}' (expected 'en' or 'zh')`);
    }
    words.push(...STOP_WORD_LISTS[name]);
  }
  if (typeof extra === 'string' || typeof extra !== 'object' || extra === null || !(Symbol.iterator in extra)) {
    throw new UsageError('stopWords.extra: expected an iterable of words (an array or a Set)');
  }
  words.push(...checkedWords(extra as Iterable<unknown>, 'stopWords.extra'));
  return words;
}

function checkedWords(words: Iterable<unknown>, what: string): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (typeof word !== 'string') throw new UsageError(`${what}: every stop word must be a string, got ${typeof word}`);
    out.push(word);
  }
  return out;
}
