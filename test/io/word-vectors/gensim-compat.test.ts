import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors } from '../../../src/vectors/load.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { expectSameFloats, makeKv, makeTempDir, runPython } from '../helpers.js';

// Cross-checks against gensim 4 (Debian's python3-gensim, /usr/bin/python3): files written by gensim
// must load here bit-exactly, and files written here must load in gensim bit-exactly.

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const WORDS = ['the', 'café', '日本語', 'emoji😀', 'Ωμέγα', 'x'];

const GENSIM_WRITE = String.raw`
import json, sys, numpy as np
from gensim.models import KeyedVectors
out, binary = sys.argv[1], sys.argv[2] == 'binary'
words = json.loads(sys.argv[3])
rs = np.random.RandomState(7)
dim = 13
vecs = (rs.standard_normal((len(words), dim)) * (10.0 ** rs.randint(-6, 6, (len(words), dim)))).astype(np.float32)
vecs[0, 0] = np.float32(-0.0)
vecs[0, 1] = np.float32(1e-45)
vecs[0, 2] = np.finfo(np.float32).max
vecs[1, 0] = np.float32(1e-40)
kv = KeyedVectors(dim)
kv.add_vectors(words, vecs)
kv.save_word2vec_format(out, binary=binary)
open(out + '.raw', 'wb').write(vecs.tobytes())
print(json.dumps({'dim': dim, 'words': list(kv.index_to_key)}))
`;

const GENSIM_READ = String.raw`
import json, sys, hashlib, numpy as np
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == 'binary')
v = np.ascontiguousarray(kv.vectors, dtype=np.float32)
print(json.dumps({'words': list(kv.index_to_key), 'shape': list(v.shape), 'sha256': hashlib.sha256(v.astype('<f4').tobytes()).hexdigest()}))
`;

function sha256(vectors: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength))
    .digest('hex');
}

describe('gensim compatibility', () => {
  for (const mode of ['text', 'binary'] as const) {
    it(`reads gensim's save_word2vec_format(binary=${mode === 'binary' ? 'True' : 'False'}) bit-exactly`, async () => {
      const file = tmp.file(`gensim-${mode}.${mode === 'binary' ? 'bin' : 'vec'}`);
      const written = runPython(GENSIM_WRITE, [file, mode, JSON.stringify(WORDS)]) as { dim: number; words: string[] };
      const raw = fs.readFileSync(`${file}.raw`);
      const expected = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
      const kv = await loadVectors(file);
      expect(kv.dim).toBe(written.dim);
      expect([...kv.words]).toEqual(written.words);
      expect([...kv.words]).toEqual(WORDS);
      expectSameFloats(kv.vectors, expected);
      expect((await loadVectors(file, { format: mode === 'binary' ? 'w2v-binary' : 'w2v-text' })).size).toBe(WORDS.length);
    });

    it(`writes ${mode} files that gensim's load_word2vec_format reads bit-exactly`, async () => {
      const kv = makeKv(WORDS.length * 20, 17, 21, {
        words: Array.from({ length: WORDS.length * 20 }, (_, i) => `${WORDS[i % WORDS.length]}${i}`),
      });
      const file = tmp.file(`ours-${mode}.${mode === 'binary' ? 'bin' : 'vec'}`);
      await saveVectors(kv, file);
      const seen = runPython(GENSIM_READ, [file, mode]) as { words: string[]; shape: number[]; sha256: string };
      expect(seen.shape).toEqual([kv.size, kv.dim]);
      expect(seen.words).toEqual([...kv.words]);
      expect(seen.sha256).toBe(sha256(kv.vectors));
    });
  }

  it('gensim reads our gzip-compressed text', async () => {
    const kv = new KeyedVectors({ words: ['a', 'b'], vectors: new Float32Array([0.1, -2, 3e-8, 4e20]), dim: 2 });
    const file = tmp.file('ours.vec.gz');
    await saveVectors(kv, file);
    const seen = runPython(GENSIM_READ, [file, 'text']) as { words: string[]; sha256: string };
    expect(seen.words).toEqual(['a', 'b']);
    expect(seen.sha256).toBe(sha256(kv.vectors));
  });
});
