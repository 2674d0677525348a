import { Type } from '@sinclair/typebox';
import type { App } from '../context.js';

/** `GET /healthz`: the server is up (models are loaded before it listens). */
export function healthRoutes() {
  return async function (app: App): Promise<void> {
    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness: {"status": "ok"} once the models are loaded',
          tags: ['server'],
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
  };
}
