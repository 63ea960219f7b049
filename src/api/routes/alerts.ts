import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { channelSecrets, channelView, keepRedacted, testMessage } from '../../alerts/channel-view.js';
import { alertChannelDeps } from '../../alerts/evaluator.js';
import { CHANNEL_KINDS, type DeliveryAttempt } from '../../model/notification.js';
import { channelInputSchema, dispatch } from '../../alerts/channels/registry.js';
import { channelsRepo, rulesRepo } from '../../alerts/config-repo.js';
import { notificationsRepo, statesRepo } from '../../alerts/history-repo.js';
import { ackInputSchema, commentInputSchema, silenceActionInputSchema } from '../../alerts/actions.js';
import { addAction, historyDetail, listHistory } from '../../alerts/history-view.js';
import { applyRulePatch } from '../../alerts/rule.js';
import { ruleInputSchema, rulePatchSchema, type AlertRule } from '../../model/alert-rule.js';
import { silenceInputSchema, silencesRepo, silenceView } from '../../alerts/silences.js';
import type { Monitor } from '../../monitor.js';
import { AppError, notFound, validationError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const channelPatch = z
  .object({
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export const historyQuery = z.object({
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
  const secrets = monitor.secrets;

  const rule = async (id: number) =>
    (await rulesRepo.get(db, id)) ?? Promise.reject(notFound('rule', String(id)));
  const editable = (r: AlertRule): AlertRule => {
    if (r.source === 'config')
      throw new AppError(
        'conflict',
        `rule "${r.name}" is declared in the config file (alert_rules); change it there`,
      );
    return r;
  };
  // A rule change takes effect at once (e.g. a narrowed rule resolves what it no longer covers).
  const reevaluate = () => void monitor.alerts.evaluateNow();
  const channel = async (id: number) =>
    (await channelsRepo.get(db, secrets, id)) ?? Promise.reject(notFound('channel', String(id)));

  app.get('/api/v1/alerts/rules', async () => ({ rules: await rulesRepo.list(db) }));
  app.post('/api/v1/alerts/rules', async (req, reply) => {
    const input = validate(ruleInputSchema, req.body ?? {});
    const created = await rulesRepo.insert(db, input, Date.now());
    reevaluate();
    return reply.status(201).send(created);
  });
  app.get('/api/v1/alerts/rules/:id', (req) => rule(validate(idParams, req.params).id));
  app.patch('/api/v1/alerts/rules/:id', async (req) => {
    const existing = editable(await rule(validate(idParams, req.params).id));
    const next = applyRulePatch(existing, validate(rulePatchSchema, req.body ?? {}), Date.now());
    await rulesRepo.update(db, next);
    reevaluate();
    return next;
  });
  app.delete('/api/v1/alerts/rules/:id', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    editable(await rule(id));
    await rulesRepo.delete(db, id);
    reevaluate();
    return reply.status(204).send();
  });

  app.get('/api/v1/alerts/channels', async () => ({
    channels: (await channelsRepo.list(db, secrets)).map(channelView),
  }));
  app.post('/api/v1/alerts/channels', async (req, reply) => {
    const input = validate(channelInputSchema, req.body ?? {});
    const created = await channelsRepo.insert(db, secrets, input, Date.now());
    monitor.scrubber.set(`channel:${created.id}`, channelSecrets(created));
    return reply.status(201).send(channelView(created));
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
    await channelsRepo.update(db, secrets, next);
    monitor.scrubber.set(`channel:${next.id}`, channelSecrets(next));
    return channelView(next);
  });
  app.delete('/api/v1/alerts/channels/:id', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    if (!(await channelsRepo.delete(db, id))) throw notFound('channel', String(id));
    monitor.scrubber.delete(`channel:${id}`);
    return reply.status(204).send();
  });
  app.post('/api/v1/alerts/channels/:id/test', async (req) => {
    const c = await channel(validate(idParams, req.params).id);
    const attempts: DeliveryAttempt[] = [];
    const [result] = await dispatch(
      [{ id: c.id, kind: c.kind, config: c.config }],
      testMessage(c, monitor.publicUrl(), Date.now()),
      { ...alertChannelDeps(db, monitor.log, monitor.bus), scrub: (t) => monitor.scrubber.scrub(t) },
      (_id, a) => attempts.push(a),
    );
    for (const attempt of attempts)
      await notificationsRepo.record(db, { historyId: null, channelId: c.id, notification: 'test', attempt });
    return { ok: result?.ok ?? false, error: result?.error ?? null, tries: attempts };
  });

  app.get('/api/v1/alerts/active', async () => {
    const states = (await statesRepo.list(db)).filter((s) => s.state.state === 'firing');
    const rules = new Map((await rulesRepo.list(db)).map((r) => [r.id, r]));
    return {
      alerts: states.map((s) => ({
        rule_id: s.ruleId,
        rule_name: rules.get(s.ruleId)?.name ?? null,
        metric: rules.get(s.ruleId)?.metric ?? null,
        severity: rules.get(s.ruleId)?.severity ?? null,
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
    const history = await listHistory(db, {
      server: q.server,
      rule: q.rule,
      state: q.state,
      from: q.from === undefined ? undefined : Date.parse(q.from),
      to: q.to === undefined ? undefined : Date.parse(q.to),
      limit: q.limit,
    });
    return { history };
  });
  app.get('/api/v1/alerts/history/:id', (req) => historyDetail(db, validate(idParams, req.params).id));
  app.post('/api/v1/alerts/history/:id/ack', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    const body = validate(ackInputSchema, req.body ?? {});
    const action = {
      action: 'ack' as const,
      by: body.by ?? req.actor,
      comment: body.comment ?? null,
      until: null,
    };
    return reply.status(201).send(await addAction(db, id, action, Date.now()));
  });
  app.post('/api/v1/alerts/history/:id/silence', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    const body = validate(silenceActionInputSchema, req.body ?? {});
    const action = {
      action: 'silence' as const,
      by: body.by ?? req.actor,
      comment: body.comment ?? null,
      until: Date.parse(body.until),
    };
    return reply.status(201).send(await addAction(db, id, action, Date.now()));
  });
  app.post('/api/v1/alerts/history/:id/comment', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    const body = validate(commentInputSchema, req.body ?? {});
    const action = {
      action: 'comment' as const,
      by: body.by ?? req.actor,
      comment: body.text,
      until: null,
    };
    return reply.status(201).send(await addAction(db, id, action, Date.now()));
  });

  app.get('/api/v1/alerts/silences', async () => {
    const now = Date.now();
    return { silences: (await silencesRepo.list(db)).map((s) => silenceView(s, now)) };
  });
  app.post('/api/v1/alerts/silences', async (req, reply) => {
    const input = validate(silenceInputSchema, req.body ?? {});
    if (input.rule_id !== null && !(await rulesRepo.get(db, input.rule_id)))
      throw validationError([{ field: 'rule_id', message: `no rule ${input.rule_id}` }]);
    const now = Date.now();
    const created = await silencesRepo.insert(db, {
      rule_id: input.rule_id,
      server_id: input.server_id,
      tag: input.tag,
      starts_at: input.starts_at === undefined ? now : Date.parse(input.starts_at),
      ends_at: Date.parse(input.ends_at),
      comment: input.comment,
      by: input.by ?? req.actor,
      created_at: now,
    });
    return reply.status(201).send(silenceView(created, now));
  });
  app.delete('/api/v1/alerts/silences/:id', async (req, reply) => {
    const { id } = validate(idParams, req.params);
    if (!(await silencesRepo.delete(db, id))) throw notFound('silence', String(id));
    return reply.status(204).send();
  });
}
