"""scikit-learn anchor of bench/projections.mjs: PCA (randomized) or TSNE (Barnes-Hut) on raw
float32 rows. Usage: python3 projections_sklearn.py METHOD IN ROWS DIM OUT THREADS
Writes the embedding (float32, rows x 2) to OUT and prints {"seconds": …, "cpu": …} on stdout."""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

method, path, rows, dim, out, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
x = np.fromfile(path, dtype=np.float32, count=rows * dim).reshape(rows, dim)
start = time.perf_counter()
cpu_start = time.process_time()  # all threads of this process
if method == "pca":
    y = PCA(n_components=2, svd_solver="randomized", random_state=0).fit_transform(x)
else:
    # scikit-learn 1.2 defaults: perplexity 30, early exaggeration 12, 1000 iterations; init and
    # learning rate set to the values that become the defaults in 1.2 (no FutureWarning)
    y = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut", random_state=0, n_jobs=threads).fit_transform(x)
seconds = time.perf_counter() - start
cpu = time.process_time() - cpu_start
np.ascontiguousarray(y, dtype=np.float32).tofile(out)
print(json.dumps({"seconds": seconds, "cpu": cpu}))
