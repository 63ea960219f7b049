/**
 * The OpenAPI 3.1 document served at /api/v1/openapi.json (DESIGN §8): every route, with its
 * path parameters, query and body made from the very zod schemas the routes validate with, so the
 * document cannot drift from what the API accepts. Answers are described, not schema'd.
 * test/openapi.test.ts checks that every route the app registers is here and the other way round.
 */
import { z } from 'zod';
import { ackInputSchema, commentInputSchema, silenceActionInputSchema } from '../alerts/actions.js';
import { channelInputSchema } from '../alerts/channels/registry.js';
import { ruleInputSchema, rulePatchSchema } from '../model/alert-rule.js';
import { silenceInputSchema } from '../alerts/silences.js';
import { serverInput } from '../config/server-input.js';
import { ingestBatch } from '../metrics/ingest/ingest-schema.js';
import { forecastQuery } from './contract/forecasts.js';
import { OPENAPI_PATH, type Access } from './auth.js';
import * as alerts from './routes/alerts.js';
import * as metrics from './routes/metrics.js';
import * as notifications from './routes/notifications.js';
import { serverIdParams } from './routes/params.js';
import * as servers from './routes/servers.js';
import * as usage from './routes/usage.js';

export { OPENAPI_PATH };

type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** Fastify's form: `/api/v1/servers/:id`. */
  path: string;
  tag: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success status and what it carries (default 200, "OK"). */
  ok?: [number, string];
}

const op = (method: Method, path: string, tag: string, summary: string, more: Partial<Operation> = {}) => ({
  method,
  path,
  tag,
  summary,
  ...more,
});

const serverId = { params: serverIdParams };
const range = { query: metrics.range };
const alertId = { params: alerts.idParams };

export const operations: Operation[] = [
  op('get', '/healthz', 'service', 'The process is up'),
  op('get', '/readyz', 'service', 'The store is reachable (503 when not)'),
  op('get', '/api/v1/info', 'service', 'Version, whether a token is required, store kind'),
  op('get', OPENAPI_PATH, 'service', 'This document'),
  op('get', '/metrics', 'service', 'Prometheus exposition of the fleet and the monitor (text format)'),
  op(
    'get',
    '/api/v1/live',
    'service',
    'WebSocket: status changes, metric ticks, notifications (token as ?token=)',
    { ok: [101, 'Switching to the WebSocket protocol'] },
  ),

  op('get', '/api/v1/servers', 'servers', 'The fleet: `{ servers: [...] }`', { query: servers.listQuery }),
  op('post', '/api/v1/servers', 'servers', 'Adds a server', {
    body: serverInput,
    ok: [201, 'The new server'],
  }),
  op('get', '/api/v1/servers/:id', 'servers', 'One server', serverId),
  op('patch', '/api/v1/servers/:id', 'servers', "Changes a server's fields (those given)", {
    ...serverId,
    body: z.record(z.string(), z.unknown()),
  }),
  op('delete', '/api/v1/servers/:id', 'servers', 'Removes a server added through the API', {
    ...serverId,
    ok: [204, 'Removed'],
  }),
  op('get', '/api/v1/servers/:id/checks', 'servers', 'Recent health checks, newest first', {
    ...serverId,
    query: servers.limitQuery,
  }),
  op('post', '/api/v1/servers/:id/check', 'servers', 'Runs a health check now and returns it', serverId),
  op('post', '/api/v1/servers/:id/disable', 'servers', 'Stops checking a server for a while', {
    ...serverId,
    body: servers.disableBody,
  }),
  op('post', '/api/v1/servers/:id/enable', 'servers', 'Resumes checking a disabled server', serverId),
  op('get', '/api/v1/servers/:id/logs', 'servers', "A server's recent stderr lines, checks and events", {
    ...serverId,
    query: servers.limitQuery,
  }),

  op('get', '/api/v1/servers/:id/metrics', 'metrics', 'A time series (latency, rps, error rate, gauges)', {
    ...serverId,
    query: metrics.metricQuery.extend(metrics.range.shape),
  }),
  op('get', '/api/v1/servers/:id/endpoints', 'metrics', 'Per endpoint: count, rps, error rate, latency', {
    ...serverId,
    ...range,
  }),
  op('get', '/api/v1/overview', 'metrics', 'Fleet totals', range),
  op('get', '/api/v1/servers/:id/usage', 'usage', "A server's usage for capacity planning", {
    params: serverIdParams,
    query: usage.usageQuery,
  }),
  op('get', '/api/v1/usage', 'usage', "The fleet's usage for capacity planning", { query: usage.usageQuery }),
  op('get', '/api/v1/servers/:id/forecast', 'forecasts', "A server's metric forecast with its band", {
    params: serverIdParams,
    query: forecastQuery,
  }),
  op('get', '/api/v1/forecast', 'forecasts', "The fleet's metric forecast with its band", {
    query: forecastQuery,
  }),
  op('post', '/api/v1/ingest/events', 'ingest', 'Request events reported by servers themselves', {
    body: ingestBatch,
    ok: [202, 'Accepted: `{ accepted: n }`'],
  }),

  op('get', '/api/v1/alerts/rules', 'alerts', 'Alert rules'),
  op('post', '/api/v1/alerts/rules', 'alerts', 'Adds a rule', {
    body: ruleInputSchema,
    ok: [201, 'The new rule'],
  }),
  op('get', '/api/v1/alerts/rules/:id', 'alerts', 'One rule', alertId),
  op('patch', '/api/v1/alerts/rules/:id', 'alerts', "Changes a rule's fields", {
    ...alertId,
    body: rulePatchSchema,
  }),
  op('delete', '/api/v1/alerts/rules/:id', 'alerts', 'Removes a rule', { ...alertId, ok: [204, 'Removed'] }),
  op('get', '/api/v1/alerts/channels', 'alerts', 'Notification channels (secrets redacted)'),
  op('post', '/api/v1/alerts/channels', 'alerts', 'Adds a channel', {
    body: channelInputSchema,
    ok: [201, 'The new channel'],
  }),
  op('get', '/api/v1/alerts/channels/:id', 'alerts', 'One channel (secrets redacted)', alertId),
  op('patch', '/api/v1/alerts/channels/:id', 'alerts', "Changes a channel's fields", {
    ...alertId,
    body: alerts.channelPatch,
  }),
  op('delete', '/api/v1/alerts/channels/:id', 'alerts', 'Removes a channel', {
    ...alertId,
    ok: [204, 'Removed'],
  }),
  op('post', '/api/v1/alerts/channels/:id/test', 'alerts', 'Sends a test notification', alertId),
  op('get', '/api/v1/alerts/active', 'alerts', 'Alerts pending or firing now'),
  op('get', '/api/v1/alerts/history', 'alerts', 'Alert history, newest first', {
    query: alerts.historyQuery,
  }),
  op(
    'get',
    '/api/v1/alerts/history/:id',
    'alerts',
    'One alert: metrics at the time, notifications, actions',
    alertId,
  ),
  op('post', '/api/v1/alerts/history/:id/ack', 'alerts', 'Acknowledges an alert', {
    ...alertId,
    body: ackInputSchema,
    ok: [201, 'The action recorded'],
  }),
  op(
    'post',
    '/api/v1/alerts/history/:id/silence',
    'alerts',
    "Silences an alert's notifications until a time",
    {
      ...alertId,
      body: silenceActionInputSchema,
      ok: [201, 'The action recorded'],
    },
  ),
  op('post', '/api/v1/alerts/history/:id/comment', 'alerts', 'Comments on an alert', {
    ...alertId,
    body: commentInputSchema,
    ok: [201, 'The action recorded'],
  }),
  op('get', '/api/v1/alerts/silences', 'alerts', 'Silences and maintenance windows'),
  op('post', '/api/v1/alerts/silences', 'alerts', 'Adds a silence', {
    body: silenceInputSchema,
    ok: [201, 'The new silence'],
  }),
  op('delete', '/api/v1/alerts/silences/:id', 'alerts', 'Removes a silence', {
    ...alertId,
    ok: [204, 'Removed'],
  }),

  op(
    'get',
    '/api/v1/notifications',
    'notifications',
    "The dashboard's notifications, newest first, with `read` and the unread count",
    {
      query: notifications.notificationsQuery,
    },
  ),
  op(
    'post',
    '/api/v1/notifications/read',
    'notifications',
    'Marks notifications read: `{ ids: [...] }` or `{ all: true }`',
    {
      body: notifications.markReadBody,
    },
  ),
];

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** The input side of a schema (what a client sends), in JSON Schema 2020-12 as OpenAPI 3.1 takes it. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const s = jsonSchema(schema);
  return Object.entries(s.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: property,
  }));
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['validation_failed', 'not_found', 'unauthorised', 'conflict'] },
        message: { type: 'string' },
        details: {
          description: 'For validation errors: `{ fields: [{ field, message }] }`, naming each field.',
        },
      },
    },
  },
};

/**
 * The document; `guarded`: the monitor has an api_token, so the API asks for it; `accessOf`: what
 * each registered route declares (`GET /api/v1/info` → `open`).
 */
export function openApiDocument(
  version: string,
  guarded: boolean,
  accessOf: (route: string) => Access | undefined,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of operations) {
    const path = o.path.replace(/:([a-zA-Z_]+)/g, '{$1}');
    const [status, description] = o.ok ?? [200, 'OK'];
    const responses: Record<string, unknown> = {
      [String(status)]: { description },
      default: { description: 'An error', content: { 'application/json': { schema: errorSchema } } },
    };
    paths[path] = {
      ...paths[path],
      [o.method]: {
        tags: [o.tag],
        summary: o.summary,
        operationId: `${o.method}${path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
        parameters: [...parameters(o.params, 'path'), ...parameters(o.query, 'query')],
        ...(o.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(o.body) } },
              },
            }
          : {}),
        responses,
        ...(accessOf(`${o.method.toUpperCase()} ${o.path}`) === 'open' ? { security: [] } : {}),
      },
    };
  }
  return {
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
    paths,
  };
}
