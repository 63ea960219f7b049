import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { asCaller } from '../auth.js';
import { idParams as params, noContent } from '../contract/common.js';
import {
  ackInput,
  activeAlerts,
  commentInput,
  historyAction,
  historyDetail,
  historyList,
  historyQuery,
  silenceActionInput,
  silenceInput,
  silenceList,
  silenceView,
} from '../contract/alerts.js';
import { operation } from './operation.js';

const op = operation('alerts');
const recorded = { 201: historyAction.describe('The action recorded') };

/** The alerts firing now, their history and what people did about them, and silences. */
export function alertHistoryRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { history, silences } = monitor.alerts;

  api.get(
    '/api/v1/alerts/active',
    op('activeAlerts', 'Alerts firing now', { response: { 200: activeAlerts } }),
    async () => ({ alerts: await monitor.alerts.active() }),
  );
  api.get(
    '/api/v1/alerts/history',
    op('listHistory', 'Alert history, newest first', {
      querystring: historyQuery,
      response: { 200: historyList },
    }),
    async (req) => ({ history: await history.list(req.query) }),
  );
  api.get(
    '/api/v1/alerts/history/:id',
    op('getHistory', 'One alert: metrics at the time, notifications, actions', {
      params,
      response: { 200: historyDetail },
    }),
    (req) => history.get(req.params.id),
  );
  api.post(
    '/api/v1/alerts/history/:id/ack',
    op('acknowledgeAlert', 'Acknowledges an alert', { params, body: ackInput, response: recorded }),
    async (req, reply) =>
      reply.status(201).send(await history.acknowledge(req.params.id, asCaller(req, req.body), req.actor)),
  );
  api.post(
    '/api/v1/alerts/history/:id/silence',
    op('silenceAlert', "Silences an alert's notifications until a time", {
      params,
      body: silenceActionInput,
      response: recorded,
    }),
    async (req, reply) =>
      reply.status(201).send(await history.silence(req.params.id, asCaller(req, req.body), req.actor)),
  );
  api.post(
    '/api/v1/alerts/history/:id/comment',
    op('commentAlert', 'Comments on an alert', { params, body: commentInput, response: recorded }),
    async (req, reply) =>
      reply.status(201).send(await history.comment(req.params.id, asCaller(req, req.body), req.actor)),
  );

  api.get(
    '/api/v1/alerts/silences',
    op('listSilences', 'Silences and maintenance windows', { response: { 200: silenceList } }),
    async () => ({ silences: await silences.list() }),
  );
  api.post(
    '/api/v1/alerts/silences',
    op('createSilence', 'Adds a silence', {
      body: silenceInput,
      response: { 201: silenceView.describe('The new silence') },
    }),
    async (req, reply) => reply.status(201).send(await silences.create(asCaller(req, req.body), req.actor)),
  );
  api.delete(
    '/api/v1/alerts/silences/:id',
    op('deleteSilence', 'Removes a silence', { params, response: { 204: noContent } }),
    async (req, reply) => {
      await silences.delete(req.params.id);
      return reply.status(204).send();
    },
  );
}
