import type { FastifyInstance } from 'fastify';
import type { Monitor } from '../../monitor.js';
import { importServers, McpJsonError } from '../../servers/index.js';
import { validationError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';
import { importBody } from '../contract/import.js';

export function importRoutes(app: FastifyInstance, monitor: Monitor): void {
  app.post('/api/v1/servers/import', async (req) => {
    const body = validate(importBody, req.body, 'body');
    try {
      return await importServers(monitor.registry, body.content, { dryRun: body.dry_run, actor: req.actor });
    } catch (err) {
      if (err instanceof McpJsonError)
        throw validationError([{ field: `body.${err.field}`, message: err.message }]);
      throw err;
    }
  });
}
