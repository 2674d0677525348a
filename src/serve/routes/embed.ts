import { Type } from '@sinclair/typebox';
import type { Modality } from '../../encode/types.js';
import type { App, ServeContext } from '../context.js';
import { badRequest } from '../http-errors.js';
import { withErrors } from '../schemas.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,/;

/** The bytes of a base64 string (a `data:…;base64,` URL is accepted too); 400 for anything else. */
export function decodeBase64(s: string, where: string): Uint8Array {
  const body = s.replace(DATA_URL, '').replace(/\s+/g, '');
  if (body.length === 0) throw badRequest(`${where} is empty`);
  if (body.length % 4 === 1 || !BASE64.test(body)) throw badRequest(`${where} is not base64 data`);
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** `POST /v1/embed`: texts, images or audio clips to vectors with a named encoder. */
export function embedRoutes(ctx: ServeContext) {
  const list = (description: string) => Type.Array(Type.String(), { minItems: 1, maxItems: ctx.limits.maxBatch, description });
  return async function (app: App): Promise<void> {
    app.post(
      '/v1/embed',
      {
        schema: {
          summary: 'Embed texts, images or audio clips with an encoder from /v1/encoders',
          tags: ['embed'],
          body: Type.Object(
            {
              encoder: Type.String({ minLength: 1, maxLength: 200, description: 'an encoder name from /v1/encoders' }),
              inputs: Type.Optional(list('texts (text encoders)')),
              images: Type.Optional(list('images as base64 or data: URLs (JPEG, PNG, WebP, GIF, …)')),
              audio: Type.Optional(list('audio clips as base64 (WAV, FLAC, Ogg, MP3)')),
              normalize: Type.Boolean({ default: true, description: 'unit-normalise the vectors' }),
            },
            { additionalProperties: false, description: 'exactly one of inputs, images, audio' },
          ),
          response: withErrors({
            200: Type.Object({ vectors: Type.Array(Type.Array(Type.Number())), dims: Type.Integer(), encoder: Type.String() }),
          }),
        },
      },
      async (req) => {
        const { inputs, images, audio, normalize } = req.body;
        const given: [Modality, string[] | undefined][] = [
          ['text', inputs],
          ['image', images],
          ['audio', audio],
        ];
        const present = given.filter(([, v]) => v !== undefined);
        if (present.length !== 1) throw badRequest('give exactly one of "inputs" (texts), "images" or "audio"');
        const [modality, values] = present[0] as [Modality, string[]];
        const entry = ctx.models.encoder(req.body.encoder);
        const field = modality === 'text' ? 'inputs' : modality === 'image' ? 'images' : 'audio';
        if (entry.modality !== modality)
          throw badRequest(
            `encoder "${entry.name}" embeds ${entry.modality}; send ${entry.modality === 'text' ? '"inputs"' : `"${entry.modality === 'image' ? 'images' : 'audio'}"`}, not "${field}"`,
          );
        const batch = modality === 'text' ? values : values.map((v, i) => decodeBase64(v, `${field}[${i}]`));
        const encoder = await entry.get();
        const e = await encoder.embed(batch, { normalize });
        if (e.errors.length > 0) throw badRequest(`${field}[${e.errors[0].index}]: ${e.errors[0].message}`);
        const vectors: number[][] = [];
        for (let r = 0; r < e.rows; r++) vectors.push(Array.from(e.data.subarray(r * e.dim, (r + 1) * e.dim)));
        return { vectors, dims: e.dim, encoder: entry.name };
      },
    );
  };
}
