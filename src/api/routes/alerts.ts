import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { channelView, keepRedacted, testMessage } from '../../alerts/channel-view.js';
import { alertChannelDeps } from '../../alerts/evaluator.js';
import { CHANNEL_KINDS, type DeliveryAttempt } from '../../alerts/channels/channel.js';
import { channelInputSchema, dispatch } from '../../alerts/channels/registry.js';
import { channelsRepo, rulesRepo } from '../../alerts/config-repo.js';
import { historyRepo, notificationsRepo, statesRepo } from '../../alerts/history-repo.js';
import { applyRulePatch, ruleInputSchema, rulePatchSchema } from '../../alerts/rule.js';
import type { Monitor } from '../../monitor.js';
import { notFound } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const channelPatch = z
  .object({
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
const historyQuery = z.object({
  server: z.string().min(1).optional(),
  rule: z.coerce.number().int().positive().optional(),
  state: z.enum(['firing', 'resolved']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Alert rules, channels, active instances and history (issue 5). */
export function alertRoutes(app: FastifyInstance, monitor: Monitor): void {
  const db = monitor.store.db;
  const baseUrl = `http://localhost:${monitor.config.port}`;

  const rule = async (id: number) =>
    (await rulesRepo.get(db, id)) ?? Promise.reject(notFound('rule', String(id)));
  const channel = async (id: number) =>
    (await channelsRepo.get(db, id)) ?? Promise.reject(notFound('channel', String(id)));

  app.get('/api/v1/alerts/rules', async () => ({ rules: await rulesRepo.list(db) }));
  app.post('/api/v1/alerts/rules', async (req, reply) => {
    const input = validate(ruleInputSchema, req.body ?? {});
    return reply.status(201).send(await rulesRepo.insert(db, input, Date.now()));
  });
  app.get('/api/v1/alerts/rules/:id', (req) => rule(validate(idParams, req.params).id));
  app.patch('/api/v1/alerts/rules/:id', async (req) => {
    const existing = await rule(validate(idParams, req.params).id);
    const next = applyRulePatch(existing, validate(rulePatchSchema, req.body ?? {}), Date.now());
    await rulesRepo.update(db, next);
    return next;
  });
  app.delete('/api/v1/alerts/rules/:id', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    if (!(await rulesRepo.delete(db, id))) throw notFound('rule', String(id));
    return reply.status(204).send();
  });

  app.get('/api/v1/alerts/channels', async () => ({
    channels: (await channelsRepo.list(db)).map(channelView),
  }));
  app.post('/api/v1/alerts/channels', async (req, reply) => {
    const input = validate(channelInputSchema, req.body ?? {});
    return reply.status(201).send(channelView(await channelsRepo.insert(db, input, Date.now())));
  });
  app.get('/api/v1/alerts/channels/:id', async (req) =>
    channelView(await channel(validate(idParams, req.params).id)),
  );
  app.patch('/api/v1/alerts/channels/:id', async (req) => {
    const existing = await channel(validate(idParams, req.params).id);
    const patch = validate(channelPatch, req.body ?? {});
    const kind = patch.kind ?? existing.kind;
    const config = patch.config ? keepRedacted(kind, patch.config, existing.config) : existing.config;
    const merged = validate(channelInputSchema, {
      name: patch.name ?? existing.name,
      kind,
      config,
      enabled: patch.enabled ?? existing.enabled,
    });
    const next = { ...existing, ...merged, updated_at: Date.now() };
    await channelsRepo.update(db, next);
    return channelView(next);
  });
  app.delete('/api/v1/alerts/channels/:id', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    if (!(await channelsRepo.delete(db, id))) throw notFound('channel', String(id));
    return reply.status(204).send();
  });
  app.post('/api/v1/alerts/channels/:id/test', async (req) => {
    const c = await channel(validate(idParams, req.params).id);
    const attempts: DeliveryAttempt[] = [];
    const [result] = await dispatch(
      [{ id: c.id, kind: c.kind, config: c.config }],
      testMessage(c, baseUrl, Date.now()),
      alertChannelDeps(db, monitor.log, monitor.bus),
      (_id, a) => attempts.push(a),
    );
    for (const attempt of attempts)
      await notificationsRepo.record(db, { historyId: null, channelId: c.id, notification: 'test', attempt });
    return { ok: result?.ok ?? false, error: result?.error ?? null, tries: attempts };
  });

  app.get('/api/v1/alerts/active', async () => {
    const states = (await statesRepo.list(db)).filter((s) => s.state.state === 'firing');
    return {
      alerts: states.map((s) => ({
        rule_id: s.ruleId,
        server_id: s.serverId,
        history_id: s.historyId,
        value: s.state.value,
        fired_at: iso(s.state.firedAt),
        active_since: iso(s.state.activeSince),
      })),
    };
  });
  app.get('/api/v1/alerts/history', async (req) => {
    const q = validate(historyQuery, req.query, 'query');
    const history = await historyRepo.list(db, {
      server: q.server,
      rule: q.rule,
      state: q.state,
      from: q.from === undefined ? undefined : Date.parse(q.from),
      to: q.to === undefined ? undefined : Date.parse(q.to),
      limit: q.limit,
    });
    return { history };
  });
}
