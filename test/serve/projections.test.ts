// Projection jobs through app.inject, computed by src/project on worker threads: start (202), poll,
// binary coordinates equal to a direct `project` call, cancellation, bounds and bad parameters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project } from '../../src/project/index.js';
import type { App } from '../../src/serve/context.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { buildServer } from '../../src/serve/server.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { load, WORDS, writeTinyVectors } from './fixtures.js';

let dir: string;
let app: App;
let resources: Resource[];

/** 3,000 seeded random 32-d vectors: big enough that t-SNE runs for a while. */
function randomModel(): Resource {
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const n = 3000;
  const dim = 32;
  const vectors = Float32Array.from({ length: n * dim }, rand);
  return {
    kind: 'vectors',
    name: 'rand',
    source: 'memory',
    vectors: new KeyedVectors({ words: Array.from({ length: n }, (_, i) => `w${i}`), vectors, dim }),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-proj-'));
  resources = [...(await load([['tiny', writeTinyVectors(dir)]])), randomModel()];
  app = await buildServer({ models: resources, webRoot: null, projections: { maxJobs: 3, maxRunning: 1 } });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/projections', payload: payload as object });

async function waitFor(id: string, done: (status: { status: string; progress: number }) => boolean, ms = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const s = (await app.inject({ url: `/v1/projections/${id}` })).json();
    if (done(s)) return s;
    if (Date.now() - t0 > ms) throw new Error(`job ${id} still ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('projection jobs', () => {
  it('PCA: 202, progress to done, coordinates as little-endian float32 equal to project()', async () => {
    const start = await post({ model: 'tiny', method: 'pca', dims: 2, params: { seed: 3 } });
    expect(start.statusCode).toBe(202);
    const { id, count, dims } = start.json();
    expect({ count, dims }).toEqual({ count: WORDS.length, dims: 2 });
    const s = await waitFor(id, (x) => x.status !== 'running');
    expect(s).toMatchObject({ id, model: 'tiny', method: 'pca', status: 'done', progress: 1, count: WORDS.length, dims: 2 });
    const coords = await app.inject({ url: `/v1/projections/${id}/coords` });
    expect(coords.statusCode).toBe(200);
    expect(coords.headers['content-type']).toBe('application/octet-stream');
    const bytes = coords.rawPayload;
    expect(bytes.length).toBe(WORDS.length * 2 * 4);
    const got = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const kv = (resources[0] as Extract<Resource, { kind: 'vectors' }>).vectors;
    const direct = await project(Float32Array.from(kv.normed()), kv.size, kv.dim, { method: 'pca', dims: 2, seed: 3 });
    expect(direct.coords.length).toBe(got.length);
    got.forEach((x, i) => expect(x).toBeCloseTo(direct.coords[i], 4));
  });

  it('t-SNE can be cancelled; its coordinates are then 409; bounded job table', async () => {
    const long = { model: 'rand', method: 'tsne', dims: 3, params: { iterations: 5000, seed: 1 } };
    const a = (await post(long)).json().id;
    const b = (await post(long)).json().id;
    const c = (await post(long)).json().id;
    const full = await post(long);
    expect(full.statusCode).toBe(429);
    expect(full.json().error.code).toBe('too_many_requests');
    expect((await app.inject({ url: `/v1/projections/${b}` })).json()).toMatchObject({ status: 'running', phase: 'queued', progress: 0 });
    await waitFor(a, (x) => x.progress > 0);
    expect((await app.inject({ url: `/v1/projections/${a}/coords` })).statusCode).toBe(409);
    for (const id of [a, b, c]) {
      const del = await app.inject({ method: 'DELETE', url: `/v1/projections/${id}` });
      expect(del.json()).toEqual({ id, status: 'cancelled' });
    }
    const s = (await app.inject({ url: `/v1/projections/${a}` })).json();
    expect(s.status).toBe('cancelled');
    const coords = await app.inject({ url: `/v1/projections/${a}/coords` });
    expect(coords.statusCode).toBe(409);
    expect(coords.json().error.message).toMatch(/is cancelled/);
    // finished jobs make room for new ones
    const next = await post({ model: 'tiny', method: 'pca', dims: 3 });
    expect(next.statusCode).toBe(202);
    expect((await waitFor(next.json().id, (x) => x.status !== 'running')).status).toBe('done');
  });

  it('bad parameters and unknown jobs', async () => {
    expect((await post({ method: 'mds' })).statusCode).toBe(400);
    expect((await post({ method: 'pca', dims: 4 })).statusCode).toBe(400);
    expect((await post({ method: 'umap', params: { neighbours: 5 } })).json().error.message).toBe(
      'body.params has an unknown field "neighbours"',
    );
    expect((await post({ method: 'pca', limit: 1 })).statusCode).toBe(400);
    const none = await app.inject({ url: '/v1/projections/nope' });
    expect(none.statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/v1/projections/nope' })).statusCode).toBe(404);
  });
});
