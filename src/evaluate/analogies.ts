/** Word-analogy evaluation reproducing gensim's `KeyedVectors.evaluate_word_analogies`. */
import { FileFormatError } from '../errors.js';
import type { KeyedVectors } from '../vectors/keyed-vectors.js';
import { parseAnalogies } from './analogy-file.js';
import { type AnalogyMethod, searchAnalogies } from './analogy-search.js';
import { type EvaluationSource, loadSource } from './source.js';
import { evaluationVocab, vocabLimit } from './vocab.js';

/** Options of {@link evaluateAnalogies}. */
export interface AnalogyOptions {
  /** Only the first `restrictVocab` words are used, as inputs and as answers (default 30000). */
  restrictVocab?: number;
  /** Compare words upper-cased; of several case variants the first row is used (default true). */
  caseInsensitive?: boolean;
  /** '3cosadd' (gensim's `most_similar`, default) or '3cosmul' (`most_similar_cosmul`). */
  method?: AnalogyMethod;
  /** Count questions with unknown words as wrong instead of skipping them (default false). */
  dummy4unknown?: boolean;
  /** Malformed lines are a FileFormatError (default true); when false they are skipped like gensim. */
  strict?: boolean;
  /** Progress of the search, a fraction in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Cancels the evaluation; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The defaults of {@link AnalogyOptions} (gensim's, except `restrictVocab`: 30000 instead of 300000). */
export const ANALOGY_DEFAULTS = Object.freeze({
  restrictVocab: 30000,
  caseInsensitive: true,
  method: '3cosadd',
  dummy4unknown: false,
  strict: true,
} as const satisfies Partial<AnalogyOptions>);

/** Correct answers out of evaluated questions. */
export interface AnalogyScore {
  readonly correct: number;
  /** Questions evaluated (answered correctly or not). */
  readonly total: number;
  /** `correct / total`, 0 when nothing was evaluated. */
  readonly accuracy: number;
}

/** The score of one section of the file. */
export interface AnalogySectionScore extends AnalogyScore {
  readonly section: string;
}

/** Result of {@link evaluateAnalogies}. */
export interface AnalogyResult extends AnalogyScore {
  /** Questions in the file. */
  readonly questions: number;
  /** Questions with a word outside the first `restrictVocab` words. */
  readonly oov: number;
  /** Fraction of the file's questions whose four words are all known: `(questions - oov) / questions`. */
  readonly coverage: number;
  /** Per section in file order, then a final "Total accuracy" entry, as gensim returns them. */
  readonly sections: AnalogySectionScore[];
  /** Sections whose name does not start with "gram". */
  readonly semantic: AnalogyScore;
  /** Sections whose name starts with "gram". */
  readonly syntactic: AnalogyScore;
}

/** Top-5 answers as gensim asks for, plus room for the three input words it filters out. */
const ANSWERS = 5;
const CANDIDATES = ANSWERS + 3;

/**
 * Evaluates `kv` on word analogies `a : b :: c : d` (questions-words.txt format) exactly as gensim's
 * `evaluate_word_analogies` does: questions with a word outside the first `restrictVocab` words
 * are skipped (or counted wrong with `dummy4unknown`); the answer is the first of the top 5 results
 * of `most_similar(positive=[b, c], negative=[a], restrict_vocab)` (or its 3CosMul variant) that is
 * not a, b or c after case folding; it is correct if it equals d.
 *
 * @param source Path of the file, or its text (see {@link EvaluationSource}).
 * @throws FileFormatError for an unreadable or malformed file, or one without questions.
 */
export async function evaluateAnalogies(kv: KeyedVectors, source: EvaluationSource, options: AnalogyOptions = {}): Promise<AnalogyResult> {
  const {
    restrictVocab = ANALOGY_DEFAULTS.restrictVocab,
    caseInsensitive = ANALOGY_DEFAULTS.caseInsensitive,
    method = ANALOGY_DEFAULTS.method,
    dummy4unknown = ANALOGY_DEFAULTS.dummy4unknown,
    strict = ANALOGY_DEFAULTS.strict,
  } = options;
  const limit = vocabLimit(kv, restrictVocab);
  const { name, text } = await loadSource(source);
  const parsed = parseAnalogies(text, name, strict);
  if (parsed.questions === 0) throw new FileFormatError(name, 'no analogy questions found');
  const vocab = evaluationVocab(kv, limit, caseInsensitive);
  const fold = caseInsensitive ? (w: string) => w.toUpperCase() : (w: string) => w;

  // Rows of the questions that can be asked; unknown ones are settled now.
  const abc: number[] = [];
  const expected: number[] = [];
  const sectionOf: number[] = [];
  const correct = new Array<number>(parsed.sections.length).fill(0);
  const total = new Array<number>(parsed.sections.length).fill(0);
  let oov = 0;
  parsed.sections.forEach((section, s) => {
    for (const q of section.questions) {
      const rows = q.words.map((w) => vocab.get(fold(w)));
      if (rows.some((r) => r === undefined)) {
        oov++;
        if (dummy4unknown) total[s]++;
        continue;
      }
      abc.push(rows[0]!, rows[1]!, rows[2]!);
      expected.push(rows[3]!);
      sectionOf.push(s);
    }
  });

  const norms = kv.norms;
  const zeroRows = Int32Array.from({ length: limit }, (_, i) => i).filter((i) => norms[i] === 0);
  const candidates = await searchAnalogies(kv.normed(), kv.dim, limit, Int32Array.from(abc), zeroRows, {
    method,
    k: CANDIDATES,
    onProgress: options.onProgress,
    signal: options.signal,
  });

  // canonical[i]: the row standing for word i's (folded) form, so rows compare like gensim's strings.
  const canonical = Int32Array.from({ length: limit }, (_, i) => vocab.get(fold(kv.words[i]))!);
  for (let q = 0; q < expected.length; q++) {
    const [a, b, c] = [abc[3 * q], abc[3 * q + 1], abc[3 * q + 2]];
    let predicted = -1;
    let answers = 0;
    for (let t = 0; t < CANDIDATES && answers < ANSWERS; t++) {
      const row = candidates[q * CANDIDATES + t];
      if (row < 0) break;
      if (row === a || row === b || row === c) continue; // most_similar never returns its inputs
      answers++;
      predicted = canonical[row];
      if (predicted !== a && predicted !== b && predicted !== c) break;
    }
    total[sectionOf[q]]++;
    if (predicted === expected[q]) correct[sectionOf[q]]++;
  }

  const sections = parsed.sections.map((s, i) => score(s.section, correct[i], total[i]));
  const sum = (pick: (s: AnalogySectionScore) => boolean): AnalogyScore => {
    const chosen = sections.filter(pick);
    return score(
      '',
      chosen.reduce((n, s) => n + s.correct, 0),
      chosen.reduce((n, s) => n + s.total, 0),
    );
  };
  const all = sum(() => true);
  const semantic = sum((s) => !s.section.startsWith('gram'));
  const syntactic = sum((s) => s.section.startsWith('gram'));
  return {
    correct: all.correct,
    total: all.total,
    accuracy: all.accuracy,
    questions: parsed.questions,
    oov,
    coverage: (parsed.questions - oov) / parsed.questions,
    sections: [...sections, score('Total accuracy', all.correct, all.total)],
    semantic: { correct: semantic.correct, total: semantic.total, accuracy: semantic.accuracy },
    syntactic: { correct: syntactic.correct, total: syntactic.total, accuracy: syntactic.accuracy },
  };
}

function score(section: string, correct: number, total: number): AnalogySectionScore {
  return { section, correct, total, accuracy: total > 0 ? correct / total : 0 };
}
