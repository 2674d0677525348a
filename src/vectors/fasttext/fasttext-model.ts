import { UsageError } from '../../errors.js';
import { addMatrixRow, type FastTextModelData } from '../../io/fasttext/model-data.js';
import { readFastTextModel, readFastTextModelSync } from '../../io/fasttext/read.js';
import { writeFastTextModel, writeFastTextModelSync } from '../../io/fasttext/write.js';
import { KeyedVectors } from '../keyed-vectors.js';
import { saveVectors } from '../save.js';
import { EOS, forEachSubword, type SubwordSettings } from './subwords.js';

/**
 * A fastText model (Facebook's `.bin`/`.ftz`, or one trained here): the dictionary, the input
 * matrix of words and hashed character n-grams, and the output matrix. Gives vectors for any word,
 * in or out of the vocabulary (the mean of its word row and n-gram rows, as `getWordVector`).
 *
 * ```ts
 * const ft = await FastTextModel.load('cc.en.300.bin');
 * ft.wordVector('unseenword');
 * ```
 */
export class FastTextModel {
  private readonly ids: Map<string, number>;
  private kv: KeyedVectors | undefined;

  constructor(readonly data: FastTextModelData) {
    const words = data.dictionary.words;
    this.ids = new Map();
    for (let i = 0; i < words.length; i++) this.ids.set(words[i], i);
  }

  static async load(file: string): Promise<FastTextModel> {
    return new FastTextModel(await readFastTextModel(file));
  }

  static loadSync(file: string): FastTextModel {
    return new FastTextModel(readFastTextModelSync(file));
  }

  get dim(): number {
    return this.data.args.dim;
  }

  /** The n-gram settings (maxn 0: no subwords, as supervised models by default). */
  get subwordSettings(): SubwordSettings {
    const a = this.data.args;
    return { minn: a.minn, maxn: a.maxn, bucket: a.bucket };
  }

  /** Vocabulary words (labels excluded), most frequent first. */
  get words(): readonly string[] {
    return this.data.dictionary.words.slice(0, this.data.dictionary.nwords);
  }

  /** Labels of a supervised model, most frequent first. */
  get labels(): readonly string[] {
    return this.data.dictionary.words.slice(this.data.dictionary.nwords);
  }

  /** Dictionary index of `word` (a word or label), or -1. */
  entryId(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** Row of a hashed bucket id in the input matrix, or -1 when the (quantized) model pruned it. */
  bucketRow(bucket: number): number {
    const d = this.data.dictionary;
    if (!d.pruneIndex) return d.nwords + bucket;
    const r = d.pruneIndex.get(bucket);
    return r === undefined ? -1 : d.nwords + r;
  }

  /**
   * Input-matrix rows that make up `word` (Dictionary::getSubwords): its own row when in the
   * vocabulary, then its n-gram rows. `</s>` has no n-grams.
   */
  subwordRows(word: string): number[] {
    const id = this.ids.get(word);
    const rows: number[] = [];
    if (id !== undefined && id < this.data.dictionary.nwords) rows.push(id);
    if (word !== EOS) {
      forEachSubword(word, this.subwordSettings, (h) => {
        const r = this.bucketRow(h);
        if (r >= 0) rows.push(r);
      });
    }
    return rows;
  }

  /** The vector of any word: the mean of its rows (zeros when it has none). */
  wordVector(word: string): Float32Array {
    const out = new Float32Array(this.dim);
    const rows = this.subwordRows(word);
    for (const r of rows) addMatrixRow(this.data.input, r, out);
    if (rows.length > 0) {
      const s = 1 / rows.length;
      for (let j = 0; j < out.length; j++) out[j] *= s;
    }
    return out;
  }

  /** The vocabulary's word vectors (as fastText's `.vec` holds them), built on first use. */
  get wv(): KeyedVectors {
    if (this.kv) return this.kv;
    const words = this.words;
    const vectors = new Float32Array(words.length * this.dim);
    words.forEach((w, i) => vectors.set(this.wordVector(w), i * this.dim));
    const counts = this.data.dictionary.counts.slice(0, words.length);
    this.kv = new KeyedVectors({ words: dedupeForKeyed(words), vectors, dim: this.dim, counts });
    return this.kv;
  }

  /** Writes the model as a fastText `.bin` (`.ftz` when quantized), atomically. */
  async save(file: string): Promise<void> {
    await writeFastTextModel(file, this.data);
  }

  saveSync(file: string): void {
    writeFastTextModelSync(file, this.data);
  }

  /** Writes the vocabulary's vectors as a fastText `.vec` text file. */
  async saveVec(file: string): Promise<void> {
    await saveVectors(this.wv, file, { format: 'w2v-text' });
  }
}

/** fastText dictionaries are unique by construction; a corrupt one could repeat a word. */
function dedupeForKeyed(words: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const w of words) {
    if (seen.has(w)) throw new UsageError(`the fastText dictionary repeats the word ${JSON.stringify(w)}`);
    seen.add(w);
  }
  return words;
}
