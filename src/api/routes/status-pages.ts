import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import type { StatusPage } from '../../model/status-page.js';
import { statusBadge, statusPageHtml, uptimeBadge } from '../../status-pages/index.js';
import { AppError } from '../../shared/errors.js';
import { iso } from '../../shared/iso-time.js';
import { open } from '../auth.js';
import { idParams, noContent } from '../contract/common.js';
import {
  badgeParams,
  pageText,
  publicStatusPage,
  statusPageInput,
  statusPageList,
  statusPageParams,
  statusPagePatch,
  statusPageView,
  svgText,
  type StatusPageView,
} from '../contract/status-pages.js';
import { operation } from './operation.js';

const op = operation('status-pages');

const viewOf = (p: StatusPage): StatusPageView => ({
  id: p.id,
  slug: p.slug,
  title: p.title,
  servers: p.servers,
  tags: p.tags,
  public: p.public,
  path: `/status/${p.slug}`,
  created_at: iso(p.created_at),
  updated_at: iso(p.updated_at),
});

/** Nothing on a public page loads anything, runs a script or may be framed elsewhere. */
const lockDown = (reply: FastifyReply) =>
  reply
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'public, max-age=30');

export function statusPageRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pages = monitor.statusPages;

  api.get(
    '/api/v1/status-pages',
    op('listStatusPages', 'The status pages', { response: { 200: statusPageList } }),
    async () => ({ status_pages: (await pages.list()).map(viewOf) }),
  );

  api.post(
    '/api/v1/status-pages',
    op('createStatusPage', 'Adds a status page: `{ slug, title, servers | tags, public }`', {
      body: statusPageInput,
      response: { 201: statusPageView },
    }),
    async (req, reply) => reply.status(201).send(viewOf(await pages.create(req.body))),
  );

  api.get(
    '/api/v1/status-pages/:id',
    op('getStatusPage', 'One status page', { params: idParams, response: { 200: statusPageView } }),
    async (req) => viewOf(await pages.get(req.params.id)),
  );

  api.patch(
    '/api/v1/status-pages/:id',
    op('updateStatusPage', "Changes a status page's fields (those given)", {
      params: idParams,
      body: statusPagePatch,
      response: { 200: statusPageView },
    }),
    async (req) => viewOf(await pages.update(req.params.id, req.body)),
  );

  api.delete(
    '/api/v1/status-pages/:id',
    op('deleteStatusPage', 'Removes a status page', { params: idParams, response: { 204: noContent } }),
    async (req, reply) => {
      await pages.remove(req.params.id);
      return reply.status(204).send();
    },
  );

  // Open on purpose (the page is for people without a login): a page not marked public still asks
  // for the token here, and the answers hold only what `PublicStatusPage` lists.
  api.get(
    '/status/:page',
    {
      ...open,
      ...op('statusPage', 'A status page (HTML), or its JSON with `.json`; no token for a public page', {
        params: statusPageParams,
        response: { 200: publicStatusPage.or(pageText) },
      }),
    },
    async (req, reply) => {
      const json = req.params.page.endsWith('.json');
      const slug = json ? req.params.page.slice(0, -'.json'.length) : req.params.page;
      const page = await pages.bySlug(slug);
      if (!page) throw new AppError('not_found', 'no such status page');
      if (!page.public && (req.principal === undefined || req.principal.servers !== null))
        throw new AppError(
          'unauthorised',
          'this status page is not public: sign in, or send Authorization: Bearer <token>',
        );
      const view = await pages.view(page);
      lockDown(reply);
      if (!page.public) reply.header('cache-control', 'private, no-store');
      if (json) return view;
      return reply.type('text/html; charset=utf-8').send(statusPageHtml(view, `/status/${page.slug}.json`));
    },
  );

  const badge = (kind: 'status' | 'uptime-30d') =>
    api.get(
      `/badge/:server/${kind}.svg`,
      {
        ...open,
        ...op(
          kind === 'status' ? 'statusBadge' : 'uptimeBadge',
          `A server's ${kind === 'status' ? 'status' : '30-day uptime'} badge (SVG), by name or id; only servers a public status page shows`,
          { params: badgeParams, response: { 200: svgText } },
        ),
      },
      async (req, reply) => {
        const server = await pages.badgeServer(req.params.server);
        if (!server) throw new AppError('not_found', 'no badge for that server');
        const svg =
          kind === 'status'
            ? statusBadge(server.state.status)
            : uptimeBadge(await pages.uptime30d(server.id));
        return lockDown(reply).type('image/svg+xml; charset=utf-8').send(svg);
      },
    );
  badge('status');
  badge('uptime-30d');
}
