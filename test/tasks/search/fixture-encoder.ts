import fs from 'node:fs';
import path from 'node:path';
import { loadWordVectorsEncoder } from '../../../src/encode/text/glove-encoders.js';
import type { Encoder } from '../../../src/encode/types.js';

/** Topic of each word of the tiny vocabulary: words of one topic get nearby vectors. */
const TOPICS: Record<string, string[]> = {
  cat: ['cat', 'cats', 'kitten', 'feline', 'purr', 'whiskers'],
  dog: ['dog', 'puppy', 'canine', 'bark', 'leash', 'fetch'],
  car: ['car', 'automobile', 'vehicle', 'engine', 'wheel', 'drive', 'road'],
  food: ['bread', 'flour', 'bake', 'oven', 'yeast', 'loaf'],
  other: ['the', 'a', 'is', 'and', 'about', 'story', 'text', 'of', 'on', 'my'],
};

/**
 * Writes a word2vec text file of 16-d vectors (topic direction + small seeded noise) to `dir` and
 * loads the real `word-vectors` mean-pooling encoder over it.
 */
export async function tinyTextEncoder(dir: string): Promise<{ encoder: Encoder; vectorsPath: string }> {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines: string[] = [];
  const names = Object.keys(TOPICS);
  names.forEach((topic, t) => {
    for (const w of TOPICS[topic]) {
      const v = Array.from({ length: 16 }, (_, d) => (d === t * 3 ? 1 : 0) + 0.15 * rand());
      lines.push(`${w} ${v.map((x) => x.toFixed(5)).join(' ')}`);
    }
  });
  const vectorsPath = path.join(dir, 'tiny.vec');
  fs.writeFileSync(vectorsPath, `${lines.length} 16\n${lines.join('\n')}\n`);
  const encoder = await loadWordVectorsEncoder({ vectors: vectorsPath });
  return { encoder, vectorsPath };
}
