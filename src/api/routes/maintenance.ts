import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { idParams as params, noContent } from '../contract/common.js';
import {
  maintenanceInput,
  maintenanceList,
  maintenancePatch,
  maintenanceView,
} from '../contract/maintenance.js';
import { operation } from './operation.js';

const op = operation('maintenance');

/** Maintenance windows: a thin adapter over the maintenance part's service. */
export function maintenanceRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { maintenance } = monitor;

  api.get(
    '/api/v1/maintenance',
    op('listMaintenance', 'Maintenance windows', { response: { 200: maintenanceList } }),
    () => ({ maintenance: maintenance.list() }),
  );
  api.post(
    '/api/v1/maintenance',
    op('createMaintenance', 'Adds a maintenance window (once, or recurring by RRULE or cron)', {
      body: maintenanceInput,
      response: { 201: maintenanceView.describe('The new window') },
    }),
    async (req, reply) => reply.status(201).send(await maintenance.create(req.body, req.actor)),
  );
  api.get(
    '/api/v1/maintenance/:id',
    op('getMaintenance', 'One maintenance window', { params, response: { 200: maintenanceView } }),
    (req) => maintenance.get(req.params.id),
  );
  api.patch(
    '/api/v1/maintenance/:id',
    op('updateMaintenance', 'Changes a maintenance window', {
      params,
      body: maintenancePatch,
      response: { 200: maintenanceView },
    }),
    (req) => maintenance.update(req.params.id, req.body),
  );
  api.delete(
    '/api/v1/maintenance/:id',
    op('deleteMaintenance', 'Removes a maintenance window', { params, response: { 204: noContent } }),
    async (req, reply) => {
      await maintenance.delete(req.params.id);
      return reply.status(204).send();
    },
  );
}
