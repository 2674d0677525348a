/**
 * Cross-check of the evaluations against gensim 4.2 itself (Debian's /usr/bin/python3): the same
 * deterministic model is written as word2vec text, evaluated by gensim and by embedkit, and the
 * counts must be identical and the correlations equal to 1e-6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAnalogies } from '../../src/evaluate/analogies.js';
import { evaluateWordPairs } from '../../src/evaluate/word-pairs.js';
import type { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { buildModel, QUESTIONS, runPython, WORDSIM, writeWord2vecText } from './fixtures.js';

interface AnalogyJob {
  kind: 'analogies';
  restrict: number;
  ci: boolean;
  dummy: boolean;
  cosmul: boolean;
}
interface PairJob {
  kind: 'pairs';
  restrict: number;
  ci: boolean;
  dummy: boolean;
}
type Job = AnalogyJob | PairJob;
type GensimSection = { section: string; correct: number; incorrect: number };
type GensimAnswer = { score: number; sections: GensimSection[] } | { pearson: number; spearman: number; oov_ratio: number };

const PROGRAM = `
import json, sys, logging
logging.disable(logging.CRITICAL)
from gensim.models import KeyedVectors
spec = json.load(sys.stdin)
kv = KeyedVectors.load_word2vec_format(spec['model'], binary=False)
out = []
for job in spec['jobs']:
    if job['kind'] == 'analogies':
        model = kv
        if job['cosmul']:
            # evaluate_word_analogies always calls most_similar, and most_similar_cosmul ignores
            # restrict_vocab: route the former to the latter on a model cut to the first rows.
            model = KeyedVectors.load_word2vec_format(spec['model'], binary=False, limit=job['restrict'])
            model.most_similar = lambda positive, negative, topn, restrict_vocab: model.most_similar_cosmul(
                positive=positive, negative=negative, topn=topn)
        score, sections = model.evaluate_word_analogies(spec['questions'], restrict_vocab=job['restrict'],
            case_insensitive=job['ci'], dummy4unknown=job['dummy'])
        out.append({'score': score, 'sections': [
            {'section': s['section'], 'correct': len(s['correct']), 'incorrect': len(s['incorrect'])} for s in sections]})
    else:
        p, s, oov = kv.evaluate_word_pairs(spec['pairs'], restrict_vocab=job['restrict'],
            case_insensitive=job['ci'], dummy4unknown=job['dummy'])
        out.append({'pearson': float(p[0]), 'spearman': float(s[0]), 'oov_ratio': oov})
print(json.dumps(out))
`;

const JOBS: Job[] = [
  { kind: 'analogies', restrict: 1500, ci: true, dummy: false, cosmul: false },
  { kind: 'analogies', restrict: 2000, ci: false, dummy: true, cosmul: false },
  { kind: 'analogies', restrict: 1600, ci: true, dummy: false, cosmul: true },
  { kind: 'pairs', restrict: 1500, ci: true, dummy: false },
  { kind: 'pairs', restrict: 1000, ci: false, dummy: true },
];

describe('evaluation agrees with gensim 4.2', () => {
  let dir: string;
  let kv: KeyedVectors;
  let gensim: GensimAnswer[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-eval-'));
    kv = buildModel(2000, 64, 20240611);
    const model = join(dir, 'model.txt');
    writeWord2vecText(model, kv);
    gensim = runPython<GensimAnswer[]>(PROGRAM, { model, questions: QUESTIONS, pairs: WORDSIM, jobs: JOBS });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  JOBS.forEach((job, j) => {
    if (job.kind === 'analogies') {
      it(`analogies: restrict ${job.restrict}, caseInsensitive ${job.ci}, dummy4unknown ${job.dummy}, ${job.cosmul ? '3cosmul' : '3cosadd'}`, async () => {
        const ref = gensim[j] as { score: number; sections: GensimSection[] };
        const ours = await evaluateAnalogies(kv, QUESTIONS, {
          restrictVocab: job.restrict,
          caseInsensitive: job.ci,
          dummy4unknown: job.dummy,
          method: job.cosmul ? '3cosmul' : '3cosadd',
        });
        expect(ours.sections.map((s) => ({ section: s.section, correct: s.correct, incorrect: s.total - s.correct }))).toEqual(
          ref.sections,
        );
        expect(ours.accuracy).toBe(ref.score);
        expect(ours.questions).toBe(19544);
        // The planted structure makes the check meaningful: many questions asked, many right, many wrong.
        expect(ours.total).toBeGreaterThan(3000);
        expect(ours.accuracy).toBeGreaterThan(0.2);
        expect(ours.accuracy).toBeLessThan(0.9);
      });
    } else {
      it(`word pairs: restrict ${job.restrict}, caseInsensitive ${job.ci}, dummy4unknown ${job.dummy}`, async () => {
        const ref = gensim[j] as { pearson: number; spearman: number; oov_ratio: number };
        const ours = await evaluateWordPairs(kv, WORDSIM, {
          restrictVocab: job.restrict,
          caseInsensitive: job.ci,
          dummy4unknown: job.dummy,
        });
        expect(Math.abs(ours.pearson - ref.pearson)).toBeLessThan(1e-6);
        expect(Math.abs(ours.spearman - ref.spearman)).toBeLessThan(1e-6);
        expect(ours.oovRatio).toBeCloseTo(ref.oov_ratio, 10);
        expect(ours.oov).toBeGreaterThan(0);
        expect(ours.pairs).toBeGreaterThan(100);
      });
    }
  });
});
