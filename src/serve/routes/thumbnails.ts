import { Type } from '@sinclair/typebox';
import { loadSharp, openImage } from '../../encode/image/decode.js';
import type { App, ServeContext } from '../context.js';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { ModelName, withErrors } from '../schemas.js';

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 128;
/** Thumbnails kept in memory (a few KB each). */
const CACHE_ENTRIES = 2048;

/** A small least-recently-used cache (Map keeps insertion order). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

/** `GET /v1/thumbnails/INDEX/ID`: a JPEG thumbnail (≤ 128 px) of a document of an image index. */
export function thumbnailRoutes(ctx: ServeContext) {
  const cache = new Lru<Buffer>(CACHE_ENTRIES);
  return async function (app: App): Promise<void> {
    app.get(
      '/v1/thumbnails/:index/:id',
      {
        schema: {
          summary: `A JPEG thumbnail (longest side ≤ ${THUMBNAIL_SIZE} px) of an image document`,
          tags: ['search'],
          params: Type.Object({ index: ModelName, id: Type.String({ minLength: 1 }) }),
          response: withErrors({
            200: { description: 'image/jpeg bytes', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } },
          }),
        },
      },
      async (req, reply) => {
        const r = ctx.models.index(req.params.index);
        if (!r.hasThumbnails) throw badRequest(`index "${r.name}" was not built over image files: it has no thumbnails`);
        const row = r.rowOf.get(req.params.id);
        if (row === undefined) throw notFound(`no document with id "${req.params.id}" in index "${r.name}"`);
        const key = `${r.name}\u0000${req.params.id}`;
        let jpeg = cache.get(key);
        if (!jpeg) {
          const file = r.search.get(r.ids[row])!.path!;
          const sharp = await loadSharp();
          try {
            jpeg = await openImage(sharp, file, file)
              .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
              .flatten({ background: '#ffffff' })
              .jpeg({ quality: 80 })
              .toBuffer();
          } catch (error) {
            req.log.warn({ file, err: error }, 'thumbnail failed');
            throw new HttpError(404, 'not_found', `the image of document "${req.params.id}" cannot be read any more`);
          }
          cache.set(key, jpeg);
        }
        return reply.type('image/jpeg').header('Cache-Control', 'public, max-age=3600').send(jpeg);
      },
    );
  };
}
