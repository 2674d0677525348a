// Server options through app.inject: the API token, CORS, the static UI, structured logs without
// bodies or tokens.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '../../src/serve/resources/types.js';
import { buildServer } from '../../src/serve/server.js';
import { load, writeTinyVectors } from './fixtures.js';

let dir: string;
let resources: Resource[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-options-'));
  resources = await load([['tiny', writeTinyVectors(dir)]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('API token', () => {
  it('/v1 needs "Authorization: Bearer TOKEN"; /healthz, /openapi.json and the UI do not', async () => {
    const app = await buildServer({ models: resources, token: 's3cret', webRoot: null });
    try {
      const none = await app.inject({ url: '/v1/models' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.json()).toEqual({
        error: { code: 'unauthorized', message: 'this server needs an API token: send "Authorization: Bearer TOKEN"' },
      });
      const wrong = await app.inject({ url: '/v1/models', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.message).toBe('wrong API token');
      const ok = await app.inject({ url: '/v1/models', headers: { authorization: 'Bearer s3cret' } });
      expect(ok.statusCode).toBe(200);
      const post = await app.inject({
        method: 'POST',
        url: '/v1/similar',
        payload: { word: 'cat' },
        headers: { authorization: 'bearer s3cret' },
      });
      expect(post.statusCode).toBe(200);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const doc = await app.inject({ url: '/openapi.json' });
      expect(doc.statusCode).toBe(200);
      expect(doc.json().components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
      expect((await app.inject({ url: '/' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('CORS', () => {
  it('answers preflights and adds the header for the allowed origin only', async () => {
    const app = await buildServer({ models: resources, cors: 'http://ui.example', token: 't', webRoot: null });
    try {
      const pre = await app.inject({
        method: 'OPTIONS',
        url: '/v1/similar',
        headers: {
          origin: 'http://ui.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('http://ui.example');
      expect(String(pre.headers['access-control-allow-headers'])).toMatch(/Authorization/);
      const get = await app.inject({ url: '/v1/models', headers: { origin: 'http://ui.example', authorization: 'Bearer t' } });
      expect(get.headers['access-control-allow-origin']).toBe('http://ui.example');
      const other = await app.inject({ url: '/v1/models', headers: { origin: 'http://evil.example', authorization: 'Bearer t' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
    const closed = await buildServer({ models: resources, webRoot: null });
    try {
      const r = await closed.inject({ url: '/v1/models', headers: { origin: 'http://ui.example' } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});

describe('static UI', () => {
  it('serves the built UI folder at /, with its assets, and 404s in the error shape', async () => {
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>explorer</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    const app = await buildServer({ models: resources, webRoot: web });
    try {
      const index = await app.inject({ url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toMatch(/text\/html/);
      expect(index.body).toContain('<title>explorer</title>');
      const js = await app.inject({ url: '/assets/app.js' });
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toMatch(/javascript/);
      const missing = await app.inject({ url: '/assets/none.js' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('not_found');
      const escape = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
      expect(escape.statusCode).toBeGreaterThanOrEqual(400);
      expect(escape.body).not.toContain('root:');
      expect((await app.inject({ url: '/v1/models' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('logs', () => {
  it('structured JSON lines with method, url and status; never the body or the token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const app = await buildServer({ models: resources, token: 'tok-123', logLevel: 'info', logStream: stream, webRoot: null });
    try {
      await app.inject({
        method: 'POST',
        url: '/v1/similar',
        payload: { word: 'secretword' },
        headers: { authorization: 'Bearer tok-123' },
      });
      await app.inject({ method: 'POST', url: '/v1/similar', payload: { word: 'zebra' }, headers: { authorization: 'Bearer tok-123' } });
    } finally {
      await app.close();
    }
    const all = lines.join('\n');
    expect(all).not.toContain('secretword');
    expect(all).not.toContain('tok-123');
    const records = lines.map((l) => JSON.parse(l));
    expect(records.some((r) => r.req?.method === 'POST' && r.req?.url === '/v1/similar')).toBe(true);
    expect(records.some((r) => r.res?.statusCode === 200)).toBe(true);
    expect(records.some((r) => r.code === 'not_found' && r.status === 404)).toBe(true);
  });
});
