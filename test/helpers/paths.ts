import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared workspace data next to the repository (corpus, evaluation sets, anchors). */
export const SHARED = resolve(ROOT, '../shared');
