import fs from 'node:fs';
import path from 'node:path';
import { loadWordVectorsEncoder } from '../../src/encode/text/glove-encoders.js';
import { loadResource } from '../../src/serve/resources/load-resource.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { saveSearchIndex } from '../../src/tasks/search/persistence.js';
import { SemanticSearch } from '../../src/tasks/search/semantic-search.js';

/** Features: royal, male, female, fruit, animal, vehicle, young, noise. */
const FEATURES: Record<string, number[]> = {
  king: [1, 1, 0, 0, 0, 0, 0],
  queen: [1, 0, 1, 0, 0, 0, 0],
  man: [0, 1, 0, 0, 0, 0, 0],
  woman: [0, 0, 1, 0, 0, 0, 0],
  prince: [1, 1, 0, 0, 0, 0, 1],
  princess: [1, 0, 1, 0, 0, 0, 1],
  boy: [0, 1, 0, 0, 0, 0, 1],
  girl: [0, 0, 1, 0, 0, 0, 1],
  apple: [0, 0, 0, 1, 0, 0, 0],
  pear: [0, 0, 0, 1, 0, 0, 0.2],
  plum: [0, 0, 0, 1, 0, 0, 0.4],
  cat: [0, 0, 0, 0, 1, 0, 0],
  dog: [0, 0, 0, 0, 1, 0, 0.2],
  kitten: [0, 0, 0, 0, 1, 0, 1],
  car: [0, 0, 0, 0, 0, 1, 0],
  truck: [0, 0, 0, 0, 0, 1, 0.2],
};

/** The words of the tiny model, in file order. */
export const WORDS = Object.keys(FEATURES);
export const DIM = 8;

/** Writes the tiny model as word2vec text (8-d: the features plus seeded noise) and returns its path. */
export function writeTinyVectors(dir: string, name = 'tiny.txt'): string {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = WORDS.map((w) => {
    const v = [...FEATURES[w], 0].map((x) => x + 0.05 * rand());
    return `${w} ${v.map((x) => x.toFixed(5)).join(' ')}`;
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${WORDS.length} ${DIM}\n${lines.join('\n')}\n`);
  return file;
}

/** The documents of the tiny search index. */
export const DOCS = [
  { id: 'd1', text: 'the king and the queen', metadata: { topic: 'royal', title: 'Royals' } },
  { id: 'd2', text: 'an apple and a pear', metadata: { topic: 'fruit' } },
  { id: 'd3', text: 'the cat and the dog', metadata: { topic: 'animal' } },
  { id: 'd4', text: 'a car and a truck', metadata: { topic: 'vehicle' } },
  { id: 'd5', text: 'the kitten', metadata: { topic: 'animal' } },
];

/** Builds a search index over {@link DOCS} with the `word-vectors` encoder on the tiny model; returns its folder. */
export async function writeTinyIndex(dir: string, vectorsPath: string): Promise<string> {
  const encoder = await loadWordVectorsEncoder({ vectors: vectorsPath });
  const search = new SemanticSearch(encoder, { encoderName: 'word-vectors', encoderOptions: { vectors: vectorsPath }, indexType: 'flat' });
  await search.add(DOCS);
  const out = path.join(dir, 'docs-index');
  await saveSearchIndex(search, out);
  return out;
}

/** Loads resources as `embedkit serve` does (one thread, exact index for stable tests unless asked). */
export async function load(specs: [name: string, source: string][], ann: 'hnsw' | 'flat' = 'flat'): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const [name, source] of specs) out.push(await loadResource(name, source, { ann, threads: 1 }));
  return out;
}
