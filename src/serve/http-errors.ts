import { EmbedkitError, FileFormatError, UsageError } from '../errors.js';
import { MissingPackageError } from '../optional-packages.js';
import { KeyError } from '../vectors/keyed-vectors.js';

/** The `code` of an error response (see docs/server.md). */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'internal'
  | 'unavailable';

/** An error that becomes one HTTP response: `{"error": {"code", "message"}}` with `statusCode`. */
export class HttpError extends EmbedkitError {
  constructor(
    readonly statusCode: number,
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message, 'EMBEDKIT_HTTP');
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const tooMany = (message: string) => new HttpError(429, 'too_many_requests', message);

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Codes of the statuses fastify itself answers with (its own parser and router errors). */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** What fastify puts on the errors it raises (validation, body parsing). */
interface FastifyLikeError extends Error {
  statusCode?: number;
  code?: string;
  validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

/** One readable sentence for a schema validation failure, e.g. `body.k must be <= 1000`. */
function validationMessage(e: FastifyLikeError): string {
  const first = e.validation![0];
  const where = `${e.validationContext ?? 'request'}${first.instancePath.replace(/\//g, '.')}`;
  const extra = first.params?.additionalProperty;
  if (typeof extra === 'string') return `${where} has an unknown field "${extra}"`;
  const allowed = first.params?.allowedValues;
  if (Array.isArray(allowed)) return `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${first.message ?? 'is invalid'}`;
}

/**
 * The status and body for any error a handler threw or fastify raised. Errors of the caller's
 * making become 4xx with the library's own message (which names the word, the dimension, the
 * field); anything else is a 500 whose message hides the internals (the log has them).
 */
export function errorResponse(error: unknown, bodyLimit: number): { status: number; body: ErrorBody; internal: boolean } {
  const make = (status: number, code: ErrorCode, message: string, internal = false) => ({
    status,
    body: { error: { code, message } },
    internal,
  });
  if (error instanceof HttpError) return make(error.statusCode, error.errorCode, error.message);
  if (error instanceof KeyError) return make(404, 'not_found', `word "${error.word}" is not in the vocabulary`);
  if (error instanceof MissingPackageError) return make(503, 'unavailable', error.message);
  if (error instanceof UsageError || error instanceof FileFormatError) return make(400, 'bad_request', error.message);
  const e = error as FastifyLikeError;
  if (e && Array.isArray(e.validation) && e.validation.length > 0) return make(400, 'bad_request', validationMessage(e));
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return make(413, 'too_large', `the request body is larger than the limit of ${bodyLimit} bytes`);
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return make(415, 'unsupported_media_type', 'send the request body as application/json');
  if (e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return make(400, 'bad_request', 'the request body is empty; send a JSON object');
  if (e instanceof SyntaxError || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return make(400, 'bad_request', `malformed JSON in the request body: ${e.message}`);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return make(status, CODE_OF_STATUS[status] ?? 'bad_request', e.message);
  if (error instanceof EmbedkitError) return make(500, 'internal', error.message, true);
  return make(500, 'internal', 'internal server error (see the server log)', true);
}
