// Requests from the router to one shard: JSON over HTTP with the global fetch (undici, keep-alive
// connections reused across requests), with a per-shard deadline.

/** A shard the router sends queries to. */
export interface ShardTarget {
  /** How results and errors name it. */
  name: string;
  /** `http://host:port`. */
  url: string;
  /** The index it serves, when known (Redis membership). */
  index?: string;
}

/** What one shard answered: a parsed 2xx body, or why it did not. */
export type ShardReply =
  { ok: true; shard: ShardTarget; body: unknown } | { ok: false; shard: ShardTarget; status?: number; body?: unknown; error: string };

/** Options of one shard call. */
export interface ShardCallOptions {
  timeoutMs: number;
  /** Headers passed on (the client's Authorization). */
  headers?: Record<string, string>;
}

function errorMessage(body: unknown): string | undefined {
  const e = (body as { error?: { message?: unknown } } | undefined)?.error;
  return typeof e?.message === 'string' ? e.message : undefined;
}

/** Sends one request to a shard; never throws (failures are replies with `ok: false`). */
export async function callShard(
  shard: ShardTarget,
  method: 'GET' | 'POST',
  route: string,
  body: unknown,
  o: ShardCallOptions,
): Promise<ShardReply> {
  try {
    const response = await fetch(`${shard.url}${route}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      return { ok: false, shard, status: response.status, error: `HTTP ${response.status}: the reply is not JSON` };
    }
    if (response.ok) return { ok: true, shard, body: parsed };
    return {
      ok: false,
      shard,
      status: response.status,
      body: parsed,
      error: `HTTP ${response.status}${errorMessage(parsed) ? `: ${errorMessage(parsed)}` : ''}`,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { ok: false, shard, error: `no answer within ${o.timeoutMs} ms` };
    return { ok: false, shard, error: e.cause?.code ?? e.message };
  }
}
