// Wires the access controls into a fastify app before its routes are registered: one onRequest
// hook that rate-limits, authenticates and authorizes every /v1 request (in that order, so failed
// token guesses are limited too, per IP), and an onSend hook that writes the audit log: a line per
// request to a write/admin route. The OpenAPI side is in openapi.ts, HTTPS in tls.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UsageError } from '../../errors.js';
import type { App } from '../context.js';
import { HttpError } from '../http-errors.js';
import { AuditLog, touchedIds } from './audit-log.js';
import { parseRateLimit, TokenBuckets, type RateLimit } from './rate-limit.js';
import { isApiPath, requiredScope, SCOPES, type Scope } from './scopes.js';
import type { TlsFiles } from './tls.js';
import { TokenSet, type Principal, type TokenSpec } from './tokens.js';

/** The access-control options of `buildServer` (docs/server.md, "Security"). */
export interface SecurityOptions {
  /**
   * API tokens with scopes (a TokenSet from `TokenSet.fromFile`, or specs). With tokens (or
   * `token`), every /v1 request needs `Authorization: Bearer TOKEN` of a token holding the route's scope.
   */
  tokens?: TokenSet | readonly TokenSpec[];
  /** Requests per client (token name, or IP without a valid token) to /v1: `{perSecond, burst}` or `"20/s"`, `"600/min"`. */
  rateLimit?: RateLimit | string;
  /** Append a JSON line per request to a write/admin route to this file (see AuditLog). */
  auditLog?: string;
  /** Serve HTTPS with this certificate and key (PEM files, checked at start). */
  tls?: TlsFiles;
}

/** What the onRequest hook learnt about a request, for the audit hook. */
interface Access {
  scope: Scope | null;
  principal: Principal | null;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The scope a request's route needs; null outside /v1 and for an unknown /v1 path (any valid token, then its 404). */
function scopeOf(req: FastifyRequest): Scope | null {
  const pattern = req.routeOptions.url;
  return pattern === undefined || !isApiPath(pattern) ? null : requiredScope(req.method, pattern, req.routeOptions.config);
}

/** The one token set of `token` (all scopes, named "token") and `tokens`; undefined when open. */
export function resolveTokens(token: string | undefined, tokens: SecurityOptions['tokens']): TokenSet | undefined {
  if (token !== undefined && token.length === 0) throw new UsageError('the API token must not be empty');
  const fromList = tokens === undefined ? undefined : tokens instanceof TokenSet ? tokens : TokenSet.of(tokens);
  const single = token === undefined ? undefined : TokenSet.of([{ name: 'token', token, scopes: SCOPES }]);
  if (fromList && single) return fromList.concat(single);
  return fromList ?? single;
}

/**
 * Installs the token check, the rate limit and the audit log on `app` (before the routes are
 * registered); `tokens` is the set {@link resolveTokens} made, undefined for an open server.
 */
export async function installSecurity(
  app: App,
  tokens: TokenSet | undefined,
  options: Pick<SecurityOptions, 'rateLimit' | 'auditLog'>,
): Promise<void> {
  const limiter =
    options.rateLimit === undefined
      ? undefined
      : new TokenBuckets(typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit) : options.rateLimit);
  const audit = options.auditLog === undefined ? undefined : await AuditLog.open(options.auditLog);
  const access = new WeakMap<FastifyRequest, Access>();

  if (tokens || limiter) {
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (req.method === 'OPTIONS') return;
      const pattern = req.routeOptions.url;
      const path = req.url.split('?')[0];
      if (!(isApiPath(path) || (pattern !== undefined && isApiPath(pattern)))) return;
      const scope = scopeOf(req);
      const header = req.headers.authorization;
      const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
      const principal = tokens && presented !== undefined ? tokens.authenticate(presented) : null;
      access.set(req, { scope, principal });
      if (limiter) {
        const taken = limiter.take(principal ? `token ${principal.name}` : `ip ${req.ip}`);
        void reply.header('RateLimit-Limit', String(limiter.burst)).header('RateLimit-Remaining', String(taken.remaining));
        if (!taken.ok) {
          void reply.header('Retry-After', String(taken.retryAfter));
          throw new HttpError(
            429,
            'too_many_requests',
            `rate limit of ${formatRate(limiter.perSecond)} exceeded (bursts of ${limiter.burst}): retry in ${taken.retryAfter} s`,
          );
        }
      }
      if (!tokens) return;
      if (principal === null) {
        void reply.header('WWW-Authenticate', 'Bearer');
        throw new HttpError(
          401,
          'unauthorized',
          presented !== undefined ? 'wrong API token' : 'this server needs an API token: send "Authorization: Bearer TOKEN"',
        );
      }
      if (scope !== null && !principal.scopes.has(scope))
        throw new HttpError(403, 'forbidden', `token "${principal.name}" lacks the "${scope}" scope that ${req.method} ${pattern} needs`);
    });
  }

  if (audit) {
    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const pattern = req.routeOptions.url;
      const known = access.get(req);
      const scope = known ? known.scope : scopeOf(req);
      if (scope !== 'write' && scope !== 'admin') return payload;
      let response: unknown;
      if (typeof payload === 'string' && payload.length <= 1 << 20 && String(reply.getHeader('content-type')).includes('json')) {
        try {
          response = JSON.parse(payload);
        } catch {
          response = undefined;
        }
      }
      const { ids, more } = touchedIds(req.params, req.body, response);
      try {
        await audit.append({
          time: new Date().toISOString(),
          token: known?.principal?.name ?? null,
          ip: req.ip,
          method: req.method,
          route: pattern ?? req.url.split('?')[0],
          ids,
          ...(more > 0 ? { moreIds: more } : {}),
          status: reply.statusCode,
        });
      } catch (error) {
        req.log.error({ err: error, file: audit.file }, 'cannot write the audit log');
      }
      return payload;
    });
    app.addHook('onClose', async () => audit.close());
  }
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1) return `${+perSecond.toFixed(3)} requests/s`;
  if (perSecond * 60 >= 1) return `${+(perSecond * 60).toFixed(3)} requests/min`;
  return `${+(perSecond * 3600).toFixed(3)} requests/h`;
}
