// English part-of-speech tags and lemmas from wink-nlp with its English "lite" model
// (wink-eng-lite-web-model, shipped in the npm package, so it works offline). wink tags in
// Universal POS directly and gives contextual lemmas. Both packages are optional peers, loaded
// synchronously on first use (once per thread; the model takes about half a second to load).
import { requireOptional, requirePackages } from '../../optional-packages.js';
import type { TaggedToken } from './tagged-token.js';
import { isUniversalPosTag } from './universal-tags.js';

/** The optional npm packages English tagging needs. */
export const WINK_PACKAGES = ['wink-nlp', 'wink-eng-lite-web-model'] as const;

/** The parts of wink-nlp 2.x embedkit uses. */
type WinkFactory = (model: unknown, pipe?: string[]) => WinkNlp;
interface WinkNlp {
  readDoc(text: string): { tokens(): { out(property: unknown): string[] } };
  its: { value: unknown; pos: unknown; lemma: unknown };
}

const USER = 'English part-of-speech tagging';
let nlp: WinkNlp | undefined;

/** Throws MissingPackageError if wink-nlp or its English model is not installed (loads nothing). */
export function checkEnglishTaggerInstalled(user: string = USER): void {
  requirePackages('wink-nlp', WINK_PACKAGES, user);
}

function load(): WinkNlp {
  if (nlp === undefined) {
    checkEnglishTaggerInstalled();
    const winkNLP = requireOptional<WinkFactory>('wink-nlp', 'wink-nlp', 'wink-nlp', USER);
    const model = requireOptional<unknown>('wink-nlp', 'wink-eng-lite-web-model', 'wink-eng-lite-web-model', USER);
    // Only the POS step: sentence boundaries, entities, negation and sentiment are not needed
    // (wink tags the whole token stream at once, not per sentence).
    nlp = winkNLP(model, ['pos']);
  }
  return nlp;
}

/** Appends the tagged tokens of English `text` to `out` (whitespace tokens left out). */
export function tagEnglishInto(text: string, out: TaggedToken[]): void {
  const wink = load();
  const tokens = wink.readDoc(text).tokens();
  const values = tokens.out(wink.its.value);
  const tags = tokens.out(wink.its.pos);
  const lemmas = tokens.out(wink.its.lemma);
  for (let i = 0; i < values.length; i++) {
    const token = values[i];
    const tag = tags[i];
    if (tag === 'SPACE' || token.trim().length === 0) continue;
    out.push({ token, pos: isUniversalPosTag(tag) ? tag : 'X', tag, lemma: lemmas[i] });
  }
}
