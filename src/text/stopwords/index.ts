import { ENGLISH_STOP_WORDS } from './en.js';
import { CHINESE_STOP_WORDS } from './zh.js';

export { ENGLISH_STOP_WORDS } from './en.js';
export { CHINESE_STOP_WORDS } from './zh.js';

/** Names of the built-in stop-word lists: `'en'` (English) and `'zh'` (Chinese). */
export type StopWordListName = 'en' | 'zh';

/** The built-in stop-word lists by name. */
export const STOP_WORD_LISTS: Readonly<Record<StopWordListName, readonly string[]>> = Object.freeze({
  en: ENGLISH_STOP_WORDS,
  zh: CHINESE_STOP_WORDS,
});

/** Whether `name` names a built-in stop-word list. */
export function isStopWordListName(name: unknown): name is StopWordListName {
  return name === 'en' || name === 'zh';
}
