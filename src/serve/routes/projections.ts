import { Type } from '@sinclair/typebox';
import type { App, ServeContext } from '../context.js';
import { conflict, notFound } from '../http-errors.js';
import type { ProjectionJob, ProjectionJobs } from '../projections/jobs.js';
import { pointCount, pointVectors } from '../resources/point-vectors.js';
import { ModelName, withErrors } from '../schemas.js';

const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const JobStatus = Type.Object({
  id: Type.String(),
  model: Type.String(),
  method: Type.String(),
  status: Type.Union(['running', 'done', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  phase: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  count: Type.Integer({ description: 'points projected: the first `count` of /v1/points' }),
  dims: Type.Integer(),
  seconds: Type.Optional(Type.Number()),
});

function status(job: ProjectionJob) {
  return {
    id: job.id,
    model: job.model,
    method: job.params.method,
    status: job.status,
    progress: job.progress,
    ...(job.phase !== undefined ? { phase: job.phase } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
    count: job.count,
    dims: job.dims,
    ...(job.seconds !== undefined ? { seconds: job.seconds } : {}),
  };
}

/** Projection jobs: start (202), poll, fetch the coordinates (binary float32), cancel. */
export function projectionRoutes(ctx: ServeContext, jobs: ProjectionJobs, maxPoints: number) {
  return async function (app: App): Promise<void> {
    const job = (id: string) => {
      const j = jobs.get(id);
      if (!j) throw notFound(`no projection job "${id}" (finished jobs are forgotten after ${jobs.maxJobs} newer ones)`);
      return j;
    };

    app.post(
      '/v1/projections',
      {
        schema: {
          summary: 'Start a projection (PCA, t-SNE, UMAP) of a model’s points on a worker thread',
          tags: ['projections'],
          body: Type.Object(
            {
              model: Type.Optional(ModelName),
              method: Type.Union([Type.Literal('pca'), Type.Literal('tsne'), Type.Literal('umap')]),
              dims: Type.Union([Type.Literal(2), Type.Literal(3)], { default: 2 }),
              limit: Type.Optional(
                Type.Integer({ minimum: 2, maximum: maxPoints, description: 'project the first n points (default all)' }),
              ),
              params: Type.Object(
                {
                  perplexity: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 't-SNE' })),
                  neighbors: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000, description: 'UMAP' })),
                  minDist: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'UMAP' })),
                  iterations: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
                  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
                },
                { additionalProperties: false, default: {} },
              ),
            },
            { additionalProperties: false },
          ),
          response: withErrors({
            202: Type.Object({ id: Type.String(), status: Type.String(), count: Type.Integer(), dims: Type.Integer() }),
          }),
        },
      },
      async (req, reply) => {
        const r = ctx.models.model(req.body.model);
        const count = Math.min(pointCount(r), req.body.limit ?? maxPoints);
        if (count < 2) throw conflict(`model "${r.name}" has fewer than 2 points to project`);
        const x = pointVectors(r, count);
        // a copy: the job's worker gets it, and the model's own vectors stay untouched
        const input = { rows: x.rows, dim: x.dim, data: Float32Array.from(x.data) };
        const j = jobs.start(r.name, input, { method: req.body.method, dims: req.body.dims, ...req.body.params });
        return reply.status(202).send({ id: j.id, status: j.status, count: j.count, dims: j.dims });
      },
    );

    app.get(
      '/v1/projections/:id',
      {
        schema: {
          summary: 'Status and progress of a projection',
          tags: ['projections'],
          params: JobId,
          response: withErrors({ 200: JobStatus }),
        },
      },
      async (req) => status(job(req.params.id)),
    );

    app.get(
      '/v1/projections/:id/coords',
      {
        schema: {
          summary: 'Coordinates of a finished projection: little-endian float32, count × dims, rows in /v1/points order',
          tags: ['projections'],
          params: JobId,
          response: withErrors({
            200: {
              description: 'count × dims float32 (little-endian)',
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            409: Type.Ref('ErrorResponse'),
          }),
        },
      },
      async (req, reply) => {
        const j = job(req.params.id);
        if (j.status !== 'done' || !j.coords)
          throw conflict(`projection "${j.id}" is ${j.status}${j.error ? `: ${j.error}` : ''}; coordinates come when it is done`);
        // Float32Array bytes are in the platform's order: every platform Node runs on is little-endian
        const bytes = Buffer.from(j.coords.buffer, j.coords.byteOffset, j.coords.byteLength);
        return reply.type('application/octet-stream').header('X-Count', String(j.count)).header('X-Dims', String(j.dims)).send(bytes);
      },
    );

    app.delete(
      '/v1/projections/:id',
      {
        schema: {
          summary: 'Cancel a projection',
          tags: ['projections'],
          params: JobId,
          response: withErrors({ 200: Type.Object({ id: Type.String(), status: Type.String() }) }),
        },
      },
      async (req) => {
        const j = job(req.params.id);
        jobs.cancel(j.id);
        return { id: j.id, status: j.status };
      },
    );
  };
}
