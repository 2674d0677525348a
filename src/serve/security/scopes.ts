// What each /v1 route needs from an API token. A route may declare its scope itself
// (`config: { scope: 'write' }` in its route options); otherwise ROUTE_SCOPES below says; a /v1
// route found in neither needs `admin`, so a route added without thinking about access is closed
// to every token but the all-scopes ones (test/serve/security-scopes.test.ts lists the gaps).

/** The scopes of an API token: `read` (queries), `write` (changes server state), `admin` (operating the server). */
export type Scope = 'read' | 'write' | 'admin';

export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** The route options field a route uses to declare its scope. */
export interface ScopeConfig {
  scope?: Scope;
}

/**
 * The scope of each route of src/serve/routes, by `METHOD /url` (HEAD follows GET). Queries are
 * `read` even when POSTed (similar, search, embed, cluster: they compute, and change nothing);
 * starting a projection is `read` too (a bounded computation whose result is cached; the explorer
 * needs it), cancelling one — possibly another client's — is `write`.
 */
export const ROUTE_SCOPES: Readonly<Record<string, Scope>> = {
  'GET /v1/models': 'read',
  'GET /v1/encoders': 'read',
  'GET /v1/points': 'read',
  'POST /v1/similar': 'read',
  'POST /v1/analogy': 'read',
  'POST /v1/vectors': 'read',
  'POST /v1/embed': 'read',
  'POST /v1/search': 'read',
  'POST /v1/classify': 'read',
  'POST /v1/cluster': 'read',
  'POST /v1/projections': 'read',
  'GET /v1/projections/:id': 'read',
  'GET /v1/projections/:id/coords': 'read',
  'DELETE /v1/projections/:id': 'write',
  'GET /v1/thumbnails/:index/:id': 'read',
};

/** Whether `url` (a route pattern or a request path) is under the token-protected API. */
export function isApiPath(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/');
}

/** Where a route's scope comes from: its own declaration, the table, or the closed default. */
export function declaredScope(method: string, url: string, config: unknown): Scope | undefined {
  const own = (config as ScopeConfig | undefined)?.scope;
  if (own !== undefined) return own;
  return ROUTE_SCOPES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** The scope a request to this route needs (`admin` for an undeclared /v1 route). */
export function requiredScope(method: string, url: string, config: unknown): Scope {
  return declaredScope(method, url, config) ?? 'admin';
}
