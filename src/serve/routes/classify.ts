import { Type } from '@sinclair/typebox';
import type { App, ServeContext } from '../context.js';
import { ModelName, withErrors } from '../schemas.js';

/** `POST /v1/classify`: labels of texts by a loaded classifier (embedkit's or a supervised fastText model). */
export function classifyRoutes(ctx: ServeContext) {
  return async function (app: App): Promise<void> {
    app.post(
      '/v1/classify',
      {
        schema: {
          summary: 'The most probable labels of texts, by a loaded classifier',
          tags: ['classify'],
          body: Type.Object(
            {
              model: Type.Optional(ModelName),
              inputs: Type.Array(Type.String(), { minItems: 1, maxItems: ctx.limits.maxBatch, description: 'texts' }),
              k: Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'labels per text' }),
            },
            { additionalProperties: false },
          ),
          response: withErrors({
            200: Type.Object({
              predictions: Type.Array(
                Type.Object({ labels: Type.Array(Type.Object({ label: Type.String(), probability: Type.Number() })) }),
                { description: 'one per input, labels best first' },
              ),
            }),
          }),
        },
      },
      async (req) => {
        const c = ctx.models.classifier(req.body.model);
        const predicted = await c.predict(req.body.inputs, req.body.k);
        return { predictions: predicted.map((labels) => ({ labels })) };
      },
    );
  };
}
