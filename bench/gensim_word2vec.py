#!/usr/bin/python3
"""gensim Word2Vec with the anchor settings of ../shared/anchors/word2vec, plus a seed.

usage: gensim_word2vec.py {sg|cbow} CORPUS OUT_VEC THREADS SEED  -> one JSON line of timings

The shared anchor runner always trains with seed=1. One seed is one starting point: on the 4M-token
slice, gensim's CBOW with seed 1 scored 16.4-16.9 % analogy over 13 runs while seeds 2-4 gave
15.3-16.1 % (docs/benchmarks.md, "CBOW quality gap"), so comparing gensim at seed 1 with embedkit
at seeds 1..N compares one lucky start against an average. bench/word2vec.mjs gives both tools
the same seeds.
"""
import json
import sys
import time

from gensim.models import Word2Vec

model, corpus, out, threads, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
skipgram = model == "sg"
w2v = Word2Vec(vector_size=100, window=5, negative=5, hs=0, min_count=5, sample=1e-3, epochs=5,
               sg=1 if skipgram else 0, cbow_mean=1, alpha=0.025 if skipgram else 0.05,
               min_alpha=0.0001, workers=threads, seed=seed)
t0 = time.time()
w2v.build_vocab(corpus_file=corpus)
t1 = time.time()
effective, raw = w2v.train(corpus_file=corpus, total_words=w2v.corpus_total_words, epochs=w2v.epochs)
t2 = time.time()
w2v.wv.save_word2vec_format(out, binary=False)
t3 = time.time()
print(json.dumps({"vocab_s": t1 - t0, "train_s": t2 - t1, "save_s": t3 - t2, "raw_words": raw,
                  "effective_words": effective, "vocab": len(w2v.wv), "seed": seed}))
