// The access rules in /openapi.json: each /v1 operation states the token scope it needs
// (`x-embedkit-scope` and a sentence of its description) and lists the 403 and 429 errors.
import type { SwaggerTransform } from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { ErrorResponse } from '../schemas.js';
import { declaredScope, isApiPath } from './scopes.js';

/** A @fastify/swagger `transform` adding the scope of each /v1 route. */
export const scopeOpenApiTransform: SwaggerTransform = ({ schema: routeSchema, url, route }) => {
  // routes without schemas reach here with undefined
  const schema = routeSchema as (FastifySchema & Record<string, unknown>) | undefined;
  if (!schema || schema.hide === true || !isApiPath(url)) return { schema: routeSchema, url };
  const method = Array.isArray(route.method) ? String(route.method[0]) : route.method;
  const scope = declaredScope(method, url, route.config) ?? 'admin';
  const note = `Needs a token with the \`${scope}\` scope when the server has API tokens.`;
  const description = typeof schema.description === 'string' ? `${schema.description}\n\n${note}` : note;
  const response = schema.response as Record<string, unknown> | undefined;
  const ref = Type.Ref(ErrorResponse);
  return {
    url,
    schema: { ...schema, description, 'x-embedkit-scope': scope, ...(response ? { response: { ...response, 403: ref, 429: ref } } : {}) },
  };
};
