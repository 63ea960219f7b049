import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { idParams as params, noContent } from '../contract/common.js';
import {
  alertRule,
  channelInput,
  channelList,
  channelPatch,
  channelTestResult,
  channelView,
  ruleInput,
  ruleList,
  rulePatch,
} from '../contract/alerts.js';
import { alertHistoryRoutes } from './alert-history.js';
import { operation } from './operation.js';

const op = operation('alerts');

/** Alert rules and channels (issue 5); the alerts firing now, history and silences in alert-history.ts. */
export function alertRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { rules, channels } = monitor.alerts;

  api.get(
    '/api/v1/alerts/rules',
    op('listRules', 'Alert rules', { response: { 200: ruleList } }),
    async () => ({
      rules: await rules.list(),
    }),
  );
  api.post(
    '/api/v1/alerts/rules',
    op('createRule', 'Adds a rule', {
      body: ruleInput,
      response: { 201: alertRule.describe('The new rule') },
    }),
    async (req, reply) => reply.status(201).send(await rules.create(req.body)),
  );
  api.get(
    '/api/v1/alerts/rules/:id',
    op('getRule', 'One rule', { params, response: { 200: alertRule } }),
    (req) => rules.get(req.params.id),
  );
  api.patch(
    '/api/v1/alerts/rules/:id',
    op('updateRule', "Changes a rule's fields", { params, body: rulePatch, response: { 200: alertRule } }),
    (req) => rules.update(req.params.id, req.body),
  );
  api.delete(
    '/api/v1/alerts/rules/:id',
    op('deleteRule', 'Removes a rule', { params, response: { 204: noContent } }),
    async (req, reply) => {
      await rules.delete(req.params.id);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/alerts/channels',
    op('listChannels', 'Notification channels (secrets redacted)', { response: { 200: channelList } }),
    async () => ({ channels: await channels.list() }),
  );
  api.post(
    '/api/v1/alerts/channels',
    op('createChannel', 'Adds a channel', {
      body: channelInput,
      response: { 201: channelView.describe('The new channel') },
    }),
    async (req, reply) => reply.status(201).send(await channels.create(req.body)),
  );
  api.get(
    '/api/v1/alerts/channels/:id',
    op('getChannel', 'One channel (secrets redacted)', { params, response: { 200: channelView } }),
    (req) => channels.get(req.params.id),
  );
  api.patch(
    '/api/v1/alerts/channels/:id',
    op('updateChannel', "Changes a channel's fields", {
      params,
      body: channelPatch,
      response: { 200: channelView },
    }),
    (req) => channels.update(req.params.id, req.body),
  );
  api.delete(
    '/api/v1/alerts/channels/:id',
    op('deleteChannel', 'Removes a channel', { params, response: { 204: noContent } }),
    async (req, reply) => {
      await channels.delete(req.params.id);
      return reply.status(204).send();
    },
  );
  api.post(
    '/api/v1/alerts/channels/:id/test',
    op('testChannel', 'Sends a test notification', { params, response: { 200: channelTestResult } }),
    (req) => channels.test(req.params.id),
  );

  alertHistoryRoutes(app, monitor);
}
