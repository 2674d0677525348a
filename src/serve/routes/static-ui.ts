import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../context.js';

/**
 * Where the built explorer UI is: `dist/web/` of the package (scripts/build-web.mjs writes it).
 * From a TypeScript source file (tests) the built twin under dist/ is meant, as for workers.
 */
export function defaultWebRoot(): string {
  const here = fileURLToPath(import.meta.url);
  const dist = here.endsWith('.ts') ? here.replace(/([/\\])src([/\\])(?![\s\S]*[/\\]src[/\\])/, '$1dist$2') : here;
  return path.resolve(path.dirname(dist), '..', '..', 'web');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>embedkit server</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>embedkit server</h1>
<p>The API is running, but the explorer UI was not built, so there is nothing to show here.</p>
<p>Build it with <code>npm run build</code> in the embedkit repository (it writes <code>dist/web/</code>), then restart
<code>embedkit serve</code>.</p>
<p>The API: <a href="/openapi.json">/openapi.json</a>, <a href="/v1/models">/v1/models</a>, <a href="/healthz">/healthz</a>.</p>
</body></html>
`;

/** The explorer UI at `/` (static files of `root`), or a page saying it was not built. */
export function staticUiRoutes(root: string | null) {
  return async function (app: App): Promise<void> {
    if (root !== null && existsSync(path.join(root, 'index.html'))) {
      await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], wildcard: true, schemaHide: true });
      return;
    }
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
  };
}
