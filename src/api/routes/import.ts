import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { importServers, McpJsonError } from '../../servers/index.js';
import { validationError } from '../../shared/errors.js';
import { importBody, importReport } from '../contract/import.js';
import { operation } from './operation.js';
import { mayRunCommands } from '../auth.js';

const op = operation('servers');

export function importRoutes(app: FastifyInstance, monitor: Monitor): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/api/v1/servers/import',
      op(
        'importServers',
        "Imports the servers of an MCP client's config file (Claude Desktop, Cursor, Claude Code, VS Code); `dry_run` saves nothing",
        { body: importBody, response: { 200: importReport } },
      ),
      async (req) => {
        try {
          return await importServers(monitor.registry, req.body.content, {
            dryRun: req.body.dry_run,
            actor: req.actor,
            mayRunCommands: mayRunCommands(req),
          });
        } catch (err) {
          if (err instanceof McpJsonError)
            throw validationError([{ field: err.field, message: err.message }]);
          throw err;
        }
      },
    );
}
