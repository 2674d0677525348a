// A small typed client of the embedkit HTTP API. Every call sends the page's API token (read from
// `#token=…` in the URL) when there is one, and turns the server's `{"error": {code, message}}`
// answers into an ApiError carrying that one-sentence message.
import type { ModelInfo, Neighbour, PointItem, PointsPage, ProjectionRequest, ProjectionStatus, SearchHit } from './api-types.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads `token=…` from a URL hash such as `#token=abc`. */
export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('token') ?? undefined;
}

export class ApiClient {
  constructor(
    private readonly base = '',
    private readonly token?: string,
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    if (init.body != null) headers.set('content-type', 'application/json');
    const res = await fetch(this.base + path, { ...init, headers });
    if (!res.ok) {
      let code = 'error';
      let message = `${init.method ?? 'GET'} ${path} failed with HTTP ${res.status}`;
      try {
        const body = (await res.json()) as { error?: { code?: string; message?: string } };
        if (body.error?.message) message = body.error.message;
        if (body.error?.code) code = body.error.code;
      } catch {
        // not JSON: keep the generic message
      }
      throw new ApiError(message, res.status, code);
    }
    return res;
  }

  private async json<T>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
    const res = await this.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as T;
  }

  async models(): Promise<ModelInfo[]> {
    return (await this.json<{ models: ModelInfo[] }>('/v1/models')).models;
  }

  /** All point labels of a model, fetched in pages of `pageSize` (the server caps a page). */
  async allPoints(model: string, limit: number, pageSize = 50_000, signal?: AbortSignal): Promise<PointItem[]> {
    const items: PointItem[] = [];
    while (items.length < limit) {
      signal?.throwIfAborted();
      const want = Math.min(pageSize, limit - items.length);
      const q = new URLSearchParams({ model, offset: String(items.length), limit: String(want) });
      const page = await this.json<PointsPage>(`/v1/points?${q}`);
      items.push(...page.items);
      if (page.items.length === 0 || items.length >= page.total) break;
    }
    return items;
  }

  async similar(model: string, query: { word?: string; id?: number | string; vector?: number[] }, k: number): Promise<Neighbour[]> {
    return (await this.json<{ results: Neighbour[] }>('/v1/similar', { model, ...query, k })).results;
  }

  async analogy(model: string, positive: string[], negative: string[], k: number): Promise<Neighbour[]> {
    return (await this.json<{ results: Neighbour[] }>('/v1/analogy', { model, positive, negative, k })).results;
  }

  async vectors(model: string, words: string[]): Promise<{ vectors: Record<string, number[]> }> {
    return this.json<{ vectors: Record<string, number[]> }>('/v1/vectors', { model, words });
  }

  async embedText(encoder: string, inputs: string[]): Promise<number[][]> {
    return (await this.json<{ vectors: number[][] }>('/v1/embed', { encoder, inputs })).vectors;
  }

  async embedImage(encoder: string, base64: string): Promise<number[][]> {
    return (await this.json<{ vectors: number[][] }>('/v1/embed', { encoder, images: [base64] })).vectors;
  }

  async search(index: string, query: { vector?: number[]; text?: string }, k: number): Promise<SearchHit[]> {
    return (await this.json<{ results: SearchHit[] }>('/v1/search', { index, ...query, k })).results;
  }

  /** k-means of the first `limit` points on the original vectors (server side). */
  async cluster(model: string, k: number, limit: number, seed: number): Promise<{ labels: number[]; sizes: number[] }> {
    return this.json<{ labels: number[]; sizes: number[] }>('/v1/cluster', { model, k, limit, seed });
  }

  async startProjection(request: ProjectionRequest): Promise<string> {
    return (await this.json<{ id: string }>('/v1/projections', request)).id;
  }

  async projection(id: string): Promise<ProjectionStatus> {
    return this.json<ProjectionStatus>(`/v1/projections/${encodeURIComponent(id)}`);
  }

  async cancelProjection(id: string): Promise<void> {
    await this.request(`/v1/projections/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  /** The coordinates of a finished projection: count × dims little-endian float32, rows in points order. */
  async projectionCoords(id: string): Promise<Float32Array> {
    const res = await this.request(`/v1/projections/${encodeURIComponent(id)}/coords`);
    const bytes = await res.arrayBuffer();
    const view = new DataView(bytes);
    const out = new Float32Array(bytes.byteLength >>> 2);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }

  thumbnailUrl(index: string, id: number | string): string {
    return `${this.base}/v1/thumbnails/${encodeURIComponent(index)}/${encodeURIComponent(String(id))}`;
  }

  /** Fetches a thumbnail with the token (an <img src> cannot send headers) as an object URL. */
  async thumbnail(index: string, id: number | string): Promise<string> {
    const res = await this.request(`/v1/thumbnails/${encodeURIComponent(index)}/${encodeURIComponent(String(id))}`);
    return URL.createObjectURL(await res.blob());
  }
}
