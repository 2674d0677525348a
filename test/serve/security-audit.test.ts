// The audit log of writes and the no-secrets rule over real HTTP: one JSON line per request to a
// write route (refused ones too) with the token's name, route, ids and status; no token and no
// request body string ever reaches the audit log or the request log, even at trace level.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { touchedIds } from '../../src/serve/security/audit-log.js';
import { buildServer } from '../../src/serve/server.js';
import { load, writeTinyVectors } from './fixtures.js';
import { call, listen, memoryLog } from './security-helpers.js';

const READER = 'reader-token-4e1f9a2c';
const WRITER = 'writer-token-8b3d7c5e';
const BODY_SECRET = 'zqxj-body-marker-5521';
let dir: string;
let resources: Resource[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-audit-'));
  resources = await load([['tiny', writeTinyVectors(dir)]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit log', () => {
  it('writes one line per write request (allowed or refused), no token, no body, no read requests', async () => {
    const file = join(dir, 'audit.jsonl');
    const log = memoryLog();
    const live = await listen({
      models: resources,
      tokens: [
        { name: 'explorer', token: READER, scopes: ['read'] },
        { name: 'ingest', token: WRITER, scopes: ['read', 'write'] },
      ],
      auditLog: file,
      logLevel: 'trace',
      logStream: log.stream,
    });
    let jobId: string;
    try {
      // reads are not audited; bodies quoting a secret-looking string are refused or answered
      expect((await call(live, 'POST', '/v1/similar', { token: READER, body: { word: BODY_SECRET } })).status).toBe(404);
      expect((await call(live, 'POST', '/v1/vectors', { token: READER, body: { words: ['king', BODY_SECRET] } })).status).toBeLessThan(500);
      expect((await call(live, 'POST', '/v1/similar', { token: WRITER, body: { word: 'cat', wrod: BODY_SECRET } })).status).toBe(400);
      const started = await call(live, 'POST', '/v1/projections', { token: READER, body: { method: 'pca', dims: 2 } });
      expect(started.status).toBe(202);
      jobId = started.json.id;
      expect((await call(live, 'DELETE', `/v1/projections/${jobId}`, { token: READER })).status).toBe(403);
      expect((await call(live, 'DELETE', `/v1/projections/${jobId}`, { token: WRITER })).status).toBe(200);
      expect((await call(live, 'DELETE', `/v1/projections/${jobId}`)).status).toBe(401);
      expect((await call(live, 'DELETE', `/v1/projections/${jobId}`, { token: 'not-a-token-at-all' })).status).toBe(401);
    } finally {
      await live.app.close();
    }
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.token, l.method, l.route, l.ids, l.status])).toEqual([
      ['explorer', 'DELETE', '/v1/projections/:id', [jobId], 403],
      ['ingest', 'DELETE', '/v1/projections/:id', [jobId], 200],
      [null, 'DELETE', '/v1/projections/:id', [jobId], 401],
      [null, 'DELETE', '/v1/projections/:id', [jobId], 401],
    ]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['time', 'token', 'ip', 'method', 'route', 'ids', 'status']);
      expect(new Date(l.time).toISOString()).toBe(l.time);
      expect(l.ip).toBe('127.0.0.1');
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const everything = readFileSync(file, 'utf8') + log.text();
    expect(log.text()).toContain('"statusCode":403'); // the request log did run at trace level
    for (const secret of [READER, WRITER, 'not-a-token-at-all', BODY_SECRET]) expect(everything).not.toContain(secret);
  });

  it('appends across restarts; an unwritable path is a clear error', async () => {
    const file = join(dir, 'again.jsonl');
    for (let i = 0; i < 2; i++) {
      const live = await listen({ models: resources, auditLog: file });
      try {
        expect((await call(live, 'DELETE', `/v1/projections/job-${i}`)).status).toBe(404);
      } finally {
        await live.app.close();
      }
    }
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.token, l.ids, l.status])).toEqual([
      [null, ['job-0'], 404],
      [null, ['job-1'], 404],
    ]);
    const bad = join(dir, 'no-such-dir', 'audit.jsonl');
    await expect(buildServer({ models: resources, webRoot: null, auditLog: bad })).rejects.toThrow(UsageError);
    await expect(buildServer({ models: resources, webRoot: null, auditLog: bad })).rejects.toThrow(`cannot open the audit log ${bad}: `);
  });

  it('takes ids from route parameters, the body and the response, never other fields', () => {
    expect(
      touchedIds(
        { index: 'docs', id: 'd1' },
        { ids: ['d2', 3], text: 'secret', documents: [{ id: 'd4', text: 'x' }] },
        { id: 'd1', ok: 1 },
      ),
    ).toEqual({ ids: ['docs', 'd1', 'd2', '3', 'd4'], more: 0 });
    const many = touchedIds({}, { ids: Array.from({ length: 1005 }, (_, i) => i) }, undefined);
    expect(many.ids).toHaveLength(1000);
    expect(many.more).toBe(5);
  });
});
