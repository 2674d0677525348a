import { Random } from '../../../src/learn/random.js';

const TOPICS: Record<string, string[]> = {
  sport: ['match', 'goal', 'team', 'league', 'coach', 'score', 'season', 'player', 'stadium', 'referee'],
  music: ['album', 'guitar', 'song', 'concert', 'band', 'melody', 'singer', 'chorus', 'drums', 'tour'],
  cooking: ['recipe', 'oven', 'flour', 'sauce', 'garlic', 'simmer', 'butter', 'dough', 'spice', 'kitchen'],
};
const COMMON = ['the', 'a', 'was', 'and', 'new', 'great', 'with', 'for', 'today', 'very', 'about', 'this'];

/** Short synthetic texts of three topics: topic words mixed with common words, some label noise-free overlap. */
export function topicTexts(n: number, seed: number): { inputs: string[]; labels: string[]; modality: 'text' } {
  const rng = new Random(seed);
  const names = Object.keys(TOPICS);
  const inputs: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = names[i % names.length];
    const words: string[] = [];
    const len = 5 + rng.int(6);
    for (let w = 0; w < len; w++) {
      // mostly own-topic words, sometimes another topic's (so the task is not trivial)
      const r = rng.uniform();
      const pool = r < 0.45 ? TOPICS[label] : r < 0.55 ? TOPICS[names[rng.int(3)]] : COMMON;
      words.push(pool[rng.int(pool.length)]);
    }
    inputs.push(words.join(' '));
    labels.push(label);
  }
  return { inputs, labels, modality: 'text' };
}
