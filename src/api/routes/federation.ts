import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { noContent } from '../contract/common.js';
import {
  federatedView,
  federationMetrics,
  federationMetricsQuery,
  federationSummary,
  peerIdParams as params,
  peerInput,
  peerList,
  peerPatch,
  peerView,
} from '../contract/federation.js';
import { operation } from './operation.js';
import { queryRange } from './query-range.js';

const op = operation('federation');
const HOUR_MS = 3_600_000;

/** Federation (issue 14): peers, this instance's summary, the federated view and its series. */
export function federationRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { federation } = monitor;
  const { peers } = federation;

  api.get(
    '/api/v1/federation/peers',
    op('listPeers', 'Federation peers (tokens never shown)', { response: { 200: peerList } }),
    () => ({ peers: peers.list() }),
  );
  api.post(
    '/api/v1/federation/peers',
    op('createPeer', 'Adds a peer to poll', { body: peerInput, response: { 201: peerView } }),
    async (req, reply) => reply.status(201).send(await peers.create(req.body)),
  );
  api.get(
    '/api/v1/federation/peers/:id',
    op('getPeer', 'One peer', { params, response: { 200: peerView } }),
    (req) => peers.get(req.params.id),
  );
  api.patch(
    '/api/v1/federation/peers/:id',
    op('updatePeer', "Changes a peer's fields (a token given replaces the stored one)", {
      params,
      body: peerPatch,
      response: { 200: peerView },
    }),
    (req) => peers.update(req.params.id, req.body),
  );
  api.delete(
    '/api/v1/federation/peers/:id',
    op('deletePeer', 'Removes a peer', { params, response: { 204: noContent } }),
    async (req, reply) => {
      await peers.delete(req.params.id);
      return reply.status(204).send();
    },
  );
  api.get(
    '/api/v1/federation/summary',
    op('federationSummary', "This instance's summary, with every instance its peers cover", {
      response: { 200: federationSummary },
    }),
    () => federation.summary(),
  );
  api.get(
    '/api/v1/federation',
    op('federatedView', 'Every instance, fleet totals and errors merged across instances', {
      response: { 200: federatedView },
    }),
    () => federation.view(),
  );
  api.get(
    '/api/v1/federation/metrics',
    op('federationMetrics', 'One metric per instance over time, from the polls', {
      querystring: federationMetricsQuery,
      response: { 200: federationMetrics },
    }),
    (req) => {
      const { from, to } = queryRange(req.query, { defaultMs: HOUR_MS, maxMs: 7 * 24 * HOUR_MS });
      return federation.metrics(req.query.metric, from, to);
    },
  );
}
