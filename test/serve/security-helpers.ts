// Real servers on ephemeral ports for the security tests, and requests over real HTTP(S).
import https from 'node:https';
import { Writable } from 'node:stream';
import type { App } from '../../src/serve/context.js';
import { buildServer, type ServerOptions } from '../../src/serve/server.js';

export interface Live {
  app: App;
  url: string;
}

/** Builds the server and listens on 127.0.0.1, on a free port. */
export async function listen(options: ServerOptions): Promise<Live> {
  const app = await buildServer({ webRoot: null, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { app, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}` };
}

/** A JSON request with an optional bearer token; the status, headers and parsed body. */
export async function call(
  live: Live,
  method: string,
  path: string,
  o: { token?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; json: ReturnType<typeof JSON.parse> }> {
  const headers: Record<string, string> = {};
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(live.url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text.length > 0 && text.startsWith('{') ? JSON.parse(text) : text };
}

/** A log destination that keeps everything written to it. */
export function memoryLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** GET over HTTPS trusting `ca` (a PEM certificate), or the system's CAs when undefined. */
export function httpsGet(url: string, ca: Buffer | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
