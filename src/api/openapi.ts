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
import { OPENAPI_PATH } from './auth.js';
import { errorBody } from './contract/common.js';

export { OPENAPI_PATH };

/** What the document lists: the REST API, the live socket, and the service routes. */
const isApi = (url: string): boolean => /^\/(api\/|healthz$|readyz$|metrics$)/.test(url);

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
      const { schema, url } = jsonSchemaTransform(withErrors);
      const open = document.route.config?.access === 'open';
      return { schema: open ? { ...schema, security: [] } : schema, url };
    },
  });
}
