import { Type } from '@sinclair/typebox';
import { KMeans } from '../../tasks/cluster/kmeans.js';
import type { App, ServeContext } from '../context.js';
import { badRequest, tooMany } from '../http-errors.js';
import { pointCount, pointVectors } from '../resources/point-vectors.js';
import { ModelName, withErrors } from '../schemas.js';

/** Rows from which k-means runs on worker threads (below, one short run on the event loop is cheaper than starting workers). */
const THREADED_ROWS = 4096;

/**
 * `POST /v1/cluster`: k-means (k-means++ seeding, seeded) over the unit vectors of a model's first
 * `limit` points, for colouring points by cluster. One clustering at a time (429 while busy).
 */
export function clusterRoutes(ctx: ServeContext) {
  let busy = false;
  return async function (app: App): Promise<void> {
    app.post(
      '/v1/cluster',
      {
        schema: {
          summary: 'k-means clusters of the first `limit` points (unit vectors), in /v1/points order',
          tags: ['cluster'],
          body: Type.Object(
            {
              model: Type.Optional(ModelName),
              k: Type.Integer({ minimum: 2, maximum: 256, description: 'number of clusters' }),
              limit: Type.Optional(Type.Integer({ minimum: 2, description: 'points to cluster (default all)' })),
              seed: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, default: 0 }),
              maxIter: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: withErrors({
            200: Type.Object({
              count: Type.Integer({ description: 'points clustered (the first `count` of /v1/points)' }),
              k: Type.Integer(),
              labels: Type.Array(Type.Integer(), { description: 'cluster of each point' }),
              sizes: Type.Array(Type.Integer(), { description: 'points per cluster' }),
              inertia: Type.Number(),
            }),
          }),
        },
      },
      async (req) => {
        const r = ctx.models.model(req.body.model);
        const count = Math.min(pointCount(r), req.body.limit ?? Infinity);
        if (req.body.k > count) throw badRequest(`k = ${req.body.k} is larger than the ${count} points`);
        if (busy) throw tooMany('a clustering is already running: retry when it has finished');
        busy = true;
        try {
          const x = pointVectors(r, count);
          const threads = count >= THREADED_ROWS ? 2 : 1;
          const result = await new KMeans({ k: req.body.k, seed: req.body.seed, maxIter: req.body.maxIter, threads }).fit(x);
          const sizes = new Array<number>(req.body.k).fill(0);
          for (const l of result.labels) sizes[l]++;
          return { count, k: req.body.k, labels: Array.from(result.labels), sizes, inertia: result.inertia };
        } finally {
          busy = false;
        }
      },
    );
  };
}
