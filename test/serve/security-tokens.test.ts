// API tokens with scopes over real HTTP: a tokens file (plain and SHA-256 entries), 401 without
// a token, 403 for a token without the route's scope, the old single token as an all-scopes one,
// clear errors for bad tokens files, and a declared scope for every /v1 route.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../src/errors.js';
import type { Resource } from '../../src/serve/resources/types.js';
import { declaredScope } from '../../src/serve/security/scopes.js';
import { TokenSet } from '../../src/serve/security/tokens.js';
import { buildServer } from '../../src/serve/server.js';
import { load, writeTinyVectors } from './fixtures.js';
import { call, listen, type Live } from './security-helpers.js';

const READER = 'r-7f3a9c1e5b2d4f60';
const WRITER = 'w-0c8e2a6f4b1d9e37';
const ADMIN = 'a-5d1b7e3c9f2a4e08';
let dir: string;
let resources: Resource[];
let tokensFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-tokens-'));
  resources = await load([['tiny', writeTinyVectors(dir)]]);
  tokensFile = join(dir, 'tokens.jsonl');
  const writerHash = createHash('sha256').update(WRITER).digest('hex');
  writeFileSync(
    tokensFile,
    [
      '# name, token or its sha256, scopes',
      JSON.stringify({ name: 'explorer', token: READER, scopes: ['read'] }),
      '',
      JSON.stringify({ name: 'ingest', sha256: writerHash, scopes: ['read', 'write'] }),
      JSON.stringify({ name: 'ops', token: ADMIN, scopes: ['read', 'write', 'admin'] }),
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scoped tokens from a tokens file', () => {
  let live: Live;
  beforeAll(async () => {
    live = await listen({ models: resources, tokens: TokenSet.fromFile(tokensFile) });
  });
  afterAll(async () => live.app.close());

  it('no token → 401 with WWW-Authenticate; an unknown token → 401', async () => {
    const none = await call(live, 'GET', '/v1/models');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.json.error.code).toBe('unauthorized');
    const wrong = await call(live, 'GET', '/v1/models', { token: 'r-7f3a9c1e5b2d4f61' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: { code: 'unauthorized', message: 'wrong API token' } });
    expect((await call(live, 'GET', '/healthz')).status).toBe(200);
  });

  it('a read token queries but cannot write: 403 with a JSON error naming the scope', async () => {
    expect((await call(live, 'GET', '/v1/models', { token: READER })).status).toBe(200);
    const similar = await call(live, 'POST', '/v1/similar', { token: READER, body: { word: 'king', k: 2 } });
    expect(similar.status).toBe(200);
    expect(similar.json.results).toHaveLength(2);
    const del = await call(live, 'DELETE', '/v1/projections/p1', { token: READER });
    expect(del.status).toBe(403);
    expect(del.json).toEqual({
      error: { code: 'forbidden', message: 'token "explorer" lacks the "write" scope that DELETE /v1/projections/:id needs' },
    });
  });

  it('a write token (given by its SHA-256 in the file) and an admin token pass the scope check', async () => {
    // past the check, the route itself answers: there is no job p1
    const byWriter = await call(live, 'DELETE', '/v1/projections/p1', { token: WRITER });
    expect(byWriter.status).toBe(404);
    expect(byWriter.json.error.code).toBe('not_found');
    expect((await call(live, 'DELETE', '/v1/projections/p1', { token: ADMIN })).status).toBe(404);
  });

  it('an unknown /v1 path needs a valid token before its 404', async () => {
    expect((await call(live, 'GET', '/v1/nothing-here')).status).toBe(401);
    expect((await call(live, 'GET', '/v1/nothing-here', { token: READER })).status).toBe(404);
  });

  it('/openapi.json states the scope of every /v1 operation', async () => {
    const doc = (await call(live, 'GET', '/openapi.json')).json;
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/similar'].post['x-embedkit-scope']).toBe('read');
    expect(doc.paths['/v1/projections/{id}'].delete['x-embedkit-scope']).toBe('write');
    expect(doc.paths['/v1/projections/{id}'].delete.responses['403']).toBeDefined();
    expect(doc.paths['/v1/similar'].post.description).toMatch(/`read` scope/);
  });
});

describe('the single --token', () => {
  it('is a token of every scope, alone or next to a tokens file', async () => {
    const live = await listen({ models: resources, token: 'only-one', tokens: TokenSet.fromFile(tokensFile) });
    try {
      expect((await call(live, 'DELETE', '/v1/projections/p1', { token: 'only-one' })).status).toBe(404);
      expect((await call(live, 'DELETE', '/v1/projections/p1', { token: READER })).status).toBe(403);
    } finally {
      await live.app.close();
    }
  });
});

describe('every route declares its scope', () => {
  it('each /v1 operation is in ROUTE_SCOPES or declares config.scope (undeclared ones would need admin)', async () => {
    const app = await buildServer({ models: resources, webRoot: null });
    try {
      const doc = (await app.inject({ url: '/openapi.json' })).json();
      const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .filter(([p]) => p.startsWith('/v1/'))
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
      expect(operations.length).toBeGreaterThanOrEqual(15);
      const undeclared = operations.filter((op) => {
        const [method, url] = op.split(' ');
        return declaredScope(method, url, undefined) === undefined;
      });
      expect(undeclared).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('tokens files and specs: clear errors', () => {
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('names the file and the line', () => {
    const missing = join(dir, 'nope.jsonl');
    expect(() => TokenSet.fromFile(missing)).toThrow(new UsageError(`tokens file ${missing} does not exist`));
    const bad = file('bad.jsonl', `${JSON.stringify({ name: 'a', token: 'x1', scopes: ['read'] })}\n{oops\n`);
    expect(() => TokenSet.fromFile(bad)).toThrow(FileFormatError);
    expect(() => TokenSet.fromFile(bad)).toThrow(`${bad}: line 2: not a JSON object`);
    const scope = file('scope.jsonl', JSON.stringify({ name: 'a', token: 'x1', scopes: ['delete'] }));
    expect(() => TokenSet.fromFile(scope)).toThrow(`${scope}: line 1: token "a": unknown scope "delete" (scopes: read, write, admin)`);
    const both = file('both.json', JSON.stringify([{ name: 'a', token: 'x1', sha256: 'ab'.repeat(32), scopes: ['read'] }]));
    expect(() => TokenSet.fromFile(both)).toThrow(`${both}: token 1: token "a": give exactly one of "token" and "sha256"`);
    const dup = file('dup.jsonl', ['a', 'a'].map((name, i) => JSON.stringify({ name, token: `t${i}`, scopes: ['read'] })).join('\n'));
    expect(() => TokenSet.fromFile(dup)).toThrow(`${dup}: two tokens are named "a"`);
    const empty = file('empty.jsonl', '# nothing\n\n');
    expect(() => TokenSet.fromFile(empty)).toThrow(`${empty}: no tokens in the file`);
  });

  it('a JSON array file works like JSON lines; the same token twice is refused', () => {
    const arr = file('arr.json', JSON.stringify([{ name: 'a', token: 'x1', scopes: ['read'] }]));
    const set = TokenSet.fromFile(arr);
    expect(set.describe()).toEqual([{ name: 'a', scopes: ['read'] }]);
    expect(set.authenticate('x1')?.name).toBe('a');
    expect(set.authenticate('x2')).toBeNull();
    const hash = createHash('sha256').update('x1').digest('hex');
    expect(() =>
      TokenSet.of([
        { name: 'a', token: 'x1', scopes: ['read'] },
        { name: 'b', sha256: hash, scopes: ['write'] },
      ]),
    ).toThrow('token "b" is the same token as another one');
    expect(() => TokenSet.of([{ name: 'a', token: '', scopes: ['read'] }])).toThrow(
      'tokens[0]: token "a": "token" must be a non-empty string',
    );
  });
});
