import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ModelSet } from './resources/model-set.js';
import type { Limits } from './schemas.js';

/** What every route plugin gets: the loaded models and the limits of one request. */
export interface ServeContext {
  models: ModelSet;
  limits: Limits;
}

/** The fastify instance type of the routes (TypeBox schemas give the request types). */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
