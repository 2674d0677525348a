// multipart/form-data uploads to POST /v1/embed over real HTTP (fetch + FormData): image and
// audio files give the same vectors as their base64 JSON form; bad bytes, oversize files, unknown
// fields and multipart bodies on other routes are 4xx with a clear message; /openapi.json shows
// the multipart form.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encode/registry.js';
import { ROOT } from '../helpers/paths.js';
import { load, writeTinyVectors } from './fixtures.js';
import { call, listen, type Live } from './security-helpers.js';

const IMAGES = join(ROOT, 'test/fixtures/images');
const BODY_LIMIT = 64 * 1024;
let dir: string;
let live: Live;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-multipart-'));
  const resources = await load([['tiny', writeTinyVectors(dir)]]);
  const encoders = [await loadEncoder('raw-pixels', { size: 8 }), await loadEncoder('mfcc-stats')];
  live = await listen({ models: resources, encoders, bodyLimit: BODY_LIMIT });
});
afterAll(async () => {
  await live?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (bytes: Buffer, name: string, type: string) => [new Blob([bytes], { type }), name] as const;

async function upload(form: FormData, path = '/v1/embed') {
  const r = await fetch(live.url + path, { method: 'POST', body: form });
  return { status: r.status, json: JSON.parse(await r.text()) as ReturnType<typeof JSON.parse> };
}

describe('multipart /v1/embed', () => {
  it('image files give the vectors of their base64 JSON form, in part order', async () => {
    const png = readFileSync(join(IMAGES, 'cat.png'));
    const jpg = readFileSync(join(IMAGES, 'cat.jpg'));
    expect(png.length + jpg.length).toBeLessThan(BODY_LIMIT);
    const form = new FormData();
    form.append('encoder', 'raw-pixels');
    form.append('images', ...file(png, 'cat.png', 'image/png'));
    form.append('images', ...file(jpg, 'cat.jpg', 'image/jpeg'));
    form.append('normalize', 'false');
    const r = await upload(form);
    expect(r.status).toBe(200);
    expect(r.json.dims).toBe(64);
    const json = await call(live, 'POST', '/v1/embed', {
      body: { encoder: 'raw-pixels', images: [png.toString('base64'), jpg.toString('base64')], normalize: false },
    });
    expect(r.json.vectors).toEqual(json.json.vectors);
    expect(r.json.vectors[0]).not.toEqual(r.json.vectors[1]);
  });

  it('audio files and text fields work too', async () => {
    const audio = new FormData();
    audio.append('encoder', 'mfcc-stats');
    audio.append('audio', ...file(readFileSync(join(ROOT, 'test/fixtures/audio/tone.mp3')), 'tone.mp3', 'audio/mpeg'));
    const a = await upload(audio);
    expect(a.json.error).toBeUndefined();
    expect(a.status).toBe(200);
    expect(a.json.dims).toBe(134);
    const texts = new FormData();
    texts.append('encoder', 'tiny');
    texts.append('inputs', 'king queen');
    texts.append('inputs', 'apple');
    const t = await upload(texts);
    expect(t.status).toBe(200);
    expect(t.json.vectors).toHaveLength(2);
  });

  it('bad bytes, oversize files, unknown fields, a missing encoder: 4xx with a clear message', async () => {
    const bad = new FormData();
    bad.append('encoder', 'raw-pixels');
    bad.append('images', ...file(readFileSync(join(IMAGES, 'not-an-image.jpg')), 'not-an-image.jpg', 'image/jpeg'));
    const b = await upload(bad);
    expect(b.status).toBe(400);
    expect(b.json.error.message).toMatch(/^images\[0\]: /);

    const big = new FormData();
    big.append('encoder', 'raw-pixels');
    big.append('images', ...file(Buffer.alloc(BODY_LIMIT + 1, 7), 'big.png', 'image/png'));
    const g = await upload(big);
    expect(g.status).toBe(413);
    expect(g.json).toEqual({ error: { code: 'too_large', message: `an uploaded file is larger than the limit of ${BODY_LIMIT} bytes` } });

    const two = new FormData();
    two.append('encoder', 'raw-pixels');
    for (let i = 0; i < 2; i++) two.append('images', ...file(Buffer.alloc(BODY_LIMIT / 2 + 10, 7), `half-${i}.png`, 'image/png'));
    const t = await upload(two);
    expect(t.status).toBe(413);
    expect(t.json.error.message).toBe(`the uploaded files are larger than the limit of ${BODY_LIMIT} bytes`);

    const empty = new FormData();
    empty.append('encoder', 'raw-pixels');
    empty.append('images', ...file(Buffer.alloc(0), 'empty.png', 'image/png'));
    expect((await upload(empty)).json.error.message).toBe('images[0] (file "empty.png") is empty');

    const unknown = new FormData();
    unknown.append('encoder', 'raw-pixels');
    unknown.append('picture', ...file(readFileSync(join(IMAGES, 'cat.png')), 'cat.png', 'image/png'));
    const u = await upload(unknown);
    expect(u.status).toBe(400);
    expect(u.json.error.message).toBe('multipart file field "picture" is not one of images, audio');

    const noEncoder = new FormData();
    noEncoder.append('images', ...file(readFileSync(join(IMAGES, 'cat.png')), 'cat.png', 'image/png'));
    expect((await upload(noEncoder)).json.error.message).toBe('multipart body needs an "encoder" field');

    const normalize = new FormData();
    normalize.append('encoder', 'tiny');
    normalize.append('normalize', 'yes');
    expect((await upload(normalize)).json.error.message).toBe('multipart field "normalize" must be true or false, got "yes"');
  });

  it('a truncated multipart body is a 400, and other routes refuse multipart with 415', async () => {
    const r = await fetch(`${live.url}/v1/embed`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="encoder"\r\n\r\ntiny\r\n--XyZ\r\nContent-Disposition: form-data; name="inputs"\r\n\r\nki',
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(await r.text()).error.message).toMatch(/^malformed multipart body: /);
    const form = new FormData();
    form.append('word', 'king');
    const other = await upload(form, '/v1/similar');
    expect(other.status).toBe(415);
    expect(other.json.error.message).toBe(
      'send the request body as application/json (multipart/form-data is taken by POST /v1/embed only)',
    );
  });

  it('/openapi.json lists the multipart form of /v1/embed', async () => {
    const doc = (await call(live, 'GET', '/openapi.json')).json;
    const content = doc.paths['/v1/embed'].post.requestBody.content;
    expect(Object.keys(content)).toEqual(['application/json', 'multipart/form-data']);
    expect(content['multipart/form-data'].schema.properties.images.items).toEqual({ type: 'string', format: 'binary' });
  });
});
