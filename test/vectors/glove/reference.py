#!/usr/bin/python3
"""Independent numpy reference of GloVe (Pennington et al. 2014) as stanfordnlp/GloVe implements it
(vocab_count -> cooccur -> shuffle -> glove), re-derived from the paper and the reference's
documented behaviour, for test/vectors/glove/*.test.ts and bench diagnostics.

Reads a JSON request on stdin:
  {"sentences": [[word, ...], ...], "minCount": 1, "window": 10, "symmetric": true,
   "distanceWeighting": true, "dim": 16, "epochs": 25, "xMax": 100, "alpha": 0.75, "eta": 0.05,
   "seed": 1, "train": true}
and writes one JSON object:
  {"words": vocabulary (count descending, ties alphabetical as vocab_count),
   "cooccur": [[word1, word2, x], ...] sorted by (rank1, rank2),
   "costs": mean cost 0.5 f(x) (w.w~ + b + b~ - log x)^2 per record, one per epoch,
   "vectors": {word: W + W~}}                                   (the last two when "train" is true)

vocab_count: words with count >= minCount, sorted by count (desc), ties alphabetically.
cooccur: within each sentence, out-of-vocabulary words are skipped (they take no position); a
  word at distance d <= window to the left of the target adds 1/d (1 without distance weighting) to
  X[left][target] and, when symmetric, to X[target][left].
shuffle: a uniformly random permutation of the records, once.
glove: W and W~ (2V rows of dim + 1 floats, the last one the bias) uniform in (-0.5, 0.5) / dim;
  AdaGrad accumulators start at 1; per record, diff = w.w~ + b + b~ - log x,
  fdiff = f(x) diff with f(x) = (x / xMax)^alpha if x < xMax else 1; then fdiff *= eta and each
  parameter steps by (eta g) / sqrt(accumulator) before the accumulator adds (eta g)^2
  (the reference's order: the update uses the accumulator before this record's gradient).
"""
import json
import sys

import numpy as np


def vocabulary(sentences, min_count):
    counts = {}
    for s in sentences:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    kept = [w for w, c in counts.items() if c >= min_count]
    kept.sort(key=lambda w: (-counts[w], w))
    return kept


def cooccur(sentences, index, window, symmetric, distance_weighting):
    cells = {}
    for s in sentences:
        ids = [index[w] for w in s if w in index]  # OOV words take no position
        for j, w2 in enumerate(ids):
            for k in range(max(0, j - window), j):
                w1 = ids[k]
                x = 1.0 / (j - k) if distance_weighting else 1.0
                cells[(w1, w2)] = cells.get((w1, w2), 0.0) + x
                if symmetric:
                    cells[(w2, w1)] = cells.get((w2, w1), 0.0) + x
    return sorted(cells.items())


def train(records, vocab_size, dim, epochs, x_max, alpha, eta, rng):
    # rows 0..V-1 words, V..2V-1 contexts; column `dim` is the bias
    W = (rng.random((2 * vocab_size, dim + 1)) - 0.5) / dim
    G = np.ones_like(W)
    order = rng.permutation(len(records))
    i1 = np.array([records[k][0][0] for k in order])
    i2 = np.array([records[k][0][1] for k in order]) + vocab_size
    xs = np.array([records[k][1] for k in order])
    weights = np.where(xs < x_max, (xs / x_max) ** alpha, 1.0)
    logs = np.log(xs)
    costs = []
    for _ in range(epochs):
        cost = 0.0
        for a, b, f, lx in zip(i1, i2, weights, logs):
            wa, wb = W[a], W[b]
            diff = wa[:dim] @ wb[:dim] + wa[dim] + wb[dim] - lx
            fdiff = f * diff
            cost += 0.5 * fdiff * diff
            fdiff *= eta
            ga = fdiff * wb[:dim]  # eta times the gradient of the word vector
            gb = fdiff * wa[:dim]
            W[a, :dim] -= ga / np.sqrt(G[a, :dim])
            W[b, :dim] -= gb / np.sqrt(G[b, :dim])
            G[a, :dim] += ga * ga
            G[b, :dim] += gb * gb
            W[a, dim] -= fdiff / np.sqrt(G[a, dim])
            W[b, dim] -= fdiff / np.sqrt(G[b, dim])
            G[a, dim] += fdiff * fdiff
            G[b, dim] += fdiff * fdiff
        costs.append(cost / max(1, len(records)))
    return W[:vocab_size, :dim] + W[vocab_size:, :dim], costs


def main():
    req = json.load(sys.stdin)
    sentences = req['sentences']
    words = vocabulary(sentences, req.get('minCount', 5))
    index = {w: i for i, w in enumerate(words)}
    records = cooccur(sentences, index, req.get('window', 10), req.get('symmetric', True), req.get('distanceWeighting', True))
    out = {'words': words, 'cooccur': [[words[a], words[b], x] for (a, b), x in records]}
    if req.get('train', False):
        rng = np.random.default_rng(req.get('seed', 1))
        dim = req.get('dim', 100)
        vectors, costs = train(records, len(words), dim, req.get('epochs', 25), req.get('xMax', 100.0),
                               req.get('alpha', 0.75), req.get('eta', 0.05), rng)
        out['costs'] = costs
        out['vectors'] = {w: vectors[i].tolist() for i, w in enumerate(words)}
    json.dump(out, sys.stdout)


main()
