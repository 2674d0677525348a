// multipart/form-data uploads for `POST /v1/embed` (@fastify/multipart over busboy): image or
// audio files in `images` / `audio` file fields (one item per file, in order), texts in `inputs`
// fields, `encoder` and `normalize` as plain fields. The parts become the route's JSON body (files
// as base64), so the route's schema, limits and decoding errors apply unchanged. Files count
// against the same byte limit as a JSON body; any other route refuses multipart with 415.
import fastifyMultipart from '@fastify/multipart';
import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyRequest } from 'fastify';
import type { App } from '../context.js';
import { badRequest, HttpError } from '../http-errors.js';

/** Routes that take multipart bodies, by `METHOD /url`. */
export const MULTIPART_ROUTES: ReadonlySet<string> = new Set(['POST /v1/embed']);

const FILE_FIELDS = ['images', 'audio'] as const;
const TEXT_FIELDS = ['encoder', 'normalize', 'inputs', 'images', 'audio'] as const;

interface EmbedBody {
  encoder?: string;
  normalize?: boolean;
  inputs?: string[];
  images?: string[];
  audio?: string[];
}

const tooLarge = (message: string) => new HttpError(413, 'too_large', message);

/** Busboy's limit errors (thrown by @fastify/multipart) as our 413s; anything else of the parser as a 400. */
function asHttpError(error: unknown, bodyLimit: number, maxBatch: number): unknown {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(`an uploaded file is larger than the limit of ${bodyLimit} bytes`);
  if (code === 'FST_FILES_LIMIT') return tooLarge(`more than ${maxBatch} files in one request`);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return tooLarge(`too many multipart fields (at most ${maxBatch} items)`);
  if (code === 'FST_PROTO_VIOLATION') return badRequest('a multipart field name is not allowed');
  return badRequest(`malformed multipart body: ${(error as Error).message}`);
}

/** Reads the parts of a multipart `/v1/embed` request into its JSON body shape. */
async function readEmbedParts(req: FastifyRequest, bodyLimit: number, maxBatch: number): Promise<EmbedBody> {
  const body: EmbedBody = {};
  let total = 0;
  const push = (field: 'inputs' | 'images' | 'audio', value: string) => (body[field] ??= []).push(value);
  try {
    for await (const part of req.parts()) {
      const field = part.fieldname;
      if (part.type === 'file') {
        if (!(FILE_FIELDS as readonly string[]).includes(field))
          throw badRequest(`multipart file field "${field}" is not one of ${FILE_FIELDS.join(', ')}`);
        const bytes = await part.toBuffer();
        total += bytes.length;
        if (total > bodyLimit) throw tooLarge(`the uploaded files are larger than the limit of ${bodyLimit} bytes`);
        const index = body[field as 'images' | 'audio']?.length ?? 0;
        if (bytes.length === 0) throw badRequest(`${field}[${index}] (file "${part.filename}") is empty`);
        push(field as 'images' | 'audio', bytes.toString('base64'));
        continue;
      }
      if (!(TEXT_FIELDS as readonly string[]).includes(field))
        throw badRequest(`unknown multipart field "${field}" (fields: ${TEXT_FIELDS.join(', ')})`);
      if (part.valueTruncated || part.fieldnameTruncated)
        throw tooLarge(`multipart field "${field}" is larger than the limit of ${bodyLimit} bytes`);
      const value = String(part.value);
      total += value.length;
      if (total > bodyLimit) throw tooLarge(`the request body is larger than the limit of ${bodyLimit} bytes`);
      if (field === 'encoder') {
        if (body.encoder !== undefined) throw badRequest('multipart field "encoder" is given twice');
        body.encoder = value;
      } else if (field === 'normalize') {
        if (value !== 'true' && value !== 'false')
          throw badRequest(`multipart field "normalize" must be true or false, got "${value.slice(0, 20)}"`);
        body.normalize = value === 'true';
      } else push(field as 'inputs' | 'images' | 'audio', value);
    }
  } catch (error) {
    throw asHttpError(error, bodyLimit, maxBatch);
  }
  if (body.encoder === undefined) throw badRequest('multipart body needs an "encoder" field');
  return body;
}

/** Registers the multipart parser with the server's limits, and turns multipart bodies of the routes that take them into their JSON shape. */
export async function installMultipartUploads(app: App, o: { bodyLimit: number; maxBatch: number }): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: o.bodyLimit,
      files: o.maxBatch,
      fields: o.maxBatch + 2,
      parts: o.maxBatch + 2,
      fieldSize: o.bodyLimit,
      fieldNameSize: 100,
      headerPairs: 100,
    },
  });
  app.addHook('preValidation', async (req) => {
    if (!req.isMultipart()) return;
    if (!MULTIPART_ROUTES.has(`${req.method} ${req.routeOptions.url}`))
      throw new HttpError(
        415,
        'unsupported_media_type',
        `send the request body as application/json (multipart/form-data is taken by ${[...MULTIPART_ROUTES].join(', ')} only)`,
      );
    req.body = await readEmbedParts(req, o.bodyLimit, o.maxBatch);
  });
}

const binaryList = (description: string) => ({ type: 'array', items: { type: 'string', format: 'binary' }, description });

/** A @fastify/swagger `transformObject`: the multipart form of `POST /v1/embed` next to its JSON body. */
export const addMultipartToOpenApi: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const { openapiObject } = document;
  const paths = openapiObject.paths as unknown as
    Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> | undefined;
  const content = paths?.['/v1/embed']?.post?.requestBody?.content;
  if (content)
    content['multipart/form-data'] = {
      schema: {
        type: 'object',
        required: ['encoder'],
        properties: {
          encoder: { type: 'string', description: 'an encoder name from /v1/encoders' },
          inputs: { type: 'array', items: { type: 'string' }, description: 'texts (text encoders), one field each' },
          images: binaryList('image files (JPEG, PNG, WebP, GIF, …), one file part each, in order'),
          audio: binaryList('audio files (WAV, FLAC, Ogg, MP3), one file part each, in order'),
          normalize: { type: 'boolean', default: true, description: 'unit-normalise the vectors' },
        },
        description: 'exactly one of inputs, images, audio; files count against the body limit',
      },
    };
  return openapiObject;
};
