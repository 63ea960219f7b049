/**
 * The OpenAPI 3.1 document served at /api/v1/openapi.json (DESIGN §8), made by @fastify/swagger
 * from the routes as registered: each route's own schemas (src/api/contract/) for its path
 * parameters, query, body and answers, so the document cannot drift from what the API accepts
 * and sends. Every operation may also answer the error envelope; a route declared
 * `config: { access: 'open' }` needs no token. The dashboard's pages are not part of the API.
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OPENAPI_PATH } from './auth.js';
import { errorBody } from './contract/common.js';

export { OPENAPI_PATH };

/** What the document lists: the REST API, the live socket, and the service routes. */
const isApi = (url: string): boolean => /^\/(api\/|healthz$|readyz$|metrics$)/.test(url);

/** A route whose query has `format` (json | csv) answers CSV too (api/routes/csv.ts). */
const offersCsv = (query: unknown): boolean =>
  query instanceof z.ZodObject && Object.hasOwn(query.shape, 'format');

type Transformed = ReturnType<typeof jsonSchemaTransform>['schema'];

/** Its 200 answer listed twice: the JSON as declared, and `text/csv` with `?format=csv`. */
function withCsv(schema: Transformed): Transformed {
  const response = (schema as { response?: Record<string, unknown> }).response;
  const ok = response?.['200'] as { description?: string } | undefined;
  if (!response || !ok) return schema;
  const { description, ...json } = ok;
  return {
    ...schema,
    response: {
      ...response,
      200: {
        description: description ?? 'Default Response',
        content: {
          'application/json': { schema: json },
          'text/csv': {
            schema: {
              type: 'string',
              description:
                'With `?format=csv`: the same rows, a header row first, RFC 4180 quoting; a download (Content-Disposition).',
            },
          },
        },
      },
    },
  };
}

/**
 * Registers the plugin that collects the routes; register it before them. `guarded`: the monitor
 * has an api_token, so the API asks for it.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  version: string,
  guarded: boolean,
): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mcp-health',
        version,
        description:
          'Health, traffic and alerts of MCP servers. Errors are `{ error: { code, message, details } }`; ' +
          'a bad request is a 400 naming each field. The gateway (`/mcp/{server}`, Streamable HTTP) is MCP, not REST, and is not listed.' +
          (guarded ? ' This monitor requires its api_token as a Bearer token.' : ''),
      },
      ...(guarded ? { security: [{ apiToken: [] }] } : {}),
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer' } } },
    },
    transform: (document) => {
      if (!isApi(document.url)) return { schema: { hide: true }, url: document.url };
      // @fastify/websocket hides its routes; the live socket is part of the API, so it is listed.
      const declared = {
        ...document.schema,
        hide: document.route.websocket === true ? false : document.schema.hide,
      };
      const withErrors = {
        ...document,
        schema: { ...declared, response: { ...(declared.response ?? {}), default: errorBody } },
      };
      const transformed = jsonSchemaTransform(withErrors);
      const schema = offersCsv(declared.querystring) ? withCsv(transformed.schema) : transformed.schema;
      const open = document.route.config?.access === 'open';
      return { schema: open ? { ...schema, security: [] } : schema, url: transformed.url };
    },
  });
}
