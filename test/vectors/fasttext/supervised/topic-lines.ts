import { mulberry32 } from '../../../../src/math/random.js';

/** A separable topic set: each topic has its own words, plus shared noise words. */
export function topicLines(n: number, seed: number): string[] {
  const topics: Record<string, string[]> = {
    sport: ['goal', 'match', 'team', 'score', 'coach', 'league'],
    food: ['bread', 'cheese', 'soup', 'recipe', 'oven', 'salt'],
    tech: ['code', 'server', 'bug', 'compile', 'kernel', 'cpu'],
    music: ['song', 'guitar', 'album', 'drum', 'concert', 'tune'],
  };
  const noise = ['the', 'a', 'is', 'of', 'and', 'today', 'very', 'new'];
  const names = Object.keys(topics);
  const rnd = mulberry32(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  return Array.from({ length: n }, () => {
    const t = pick(names);
    const words = Array.from({ length: 6 }, (_, i) => (i % 2 ? pick(noise) : pick(topics[t])));
    return `__label__${t} ${words.join(' ')}`;
  });
}

/** Parses `fasttext predict-prob` output: `__label__a 0.9 __label__b 0.1` per line. */
export function parsePredictions(out: string): { label: string; probability: number }[][] {
  return out
    .trimEnd()
    .split('\n')
    .map((l) => {
      const p = l.trim().split(' ').filter(Boolean);
      const r: { label: string; probability: number }[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) r.push({ label: p[i], probability: Number(p[i + 1]) });
      return r;
    });
}
