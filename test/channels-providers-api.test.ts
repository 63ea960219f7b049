/**
 * Issue 17 point 1 through the API: every provider channel is made, shown without its
 * credentials, stored encrypted, tested ("send test notification") against its local stand-in,
 * and refused with the bad field named; and an alert firing on a real server reaches PagerDuty and
 * Opsgenie, then resolves them by the same key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED } from '../src/shared/scrubber.js';
import { channelRegistry } from '../src/alerts/channels/registry.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import {
  PROVIDER_KINDS,
  providerConfig,
  providerReceiver,
  type ProviderKind,
  type Receiver,
} from './helpers/provider-receivers.js';

interface ChannelView {
  id: number;
  kind: string;
  config: Record<string, unknown>;
}
interface ErrorAnswer {
  error: { code: string; details: { fields: { field: string; message: string }[] } };
}

/** A bad config of each kind and the field the 400 must name. */
const BAD: Record<ProviderKind, [Record<string, unknown>, string]> = {
  slack: [{ url: 'hooks.slack.com/services/x' }, 'config.url'],
  discord: [{}, 'config.url'],
  msteams: [{ url: 'ftp://x/y' }, 'config.url'],
  pagerduty: [{ routing_key: 'too-short' }, 'config.routing_key'],
  opsgenie: [{ url: 'https://api.opsgenie.com' }, 'config.api_key'],
  telegram: [{ bot_token: '123:abc', chat_id: 'not a chat' }, 'config.chat_id'],
  ntfy: [{ topic: 'has spaces' }, 'config.topic'],
  mattermost: [{ url: 'https://chat.example.org/hooks/x', retries: 99 }, 'config.retries'],
  google_chat: [{ url: 'https://chat.googleapis.com/v1/spaces/S/messages', extra: 1 }, 'config.extra'],
  pushover: [{ app_token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user_key: 'me' }, 'config.user_key'],
};

for (const storeKind of await storeKinds())
  describe(`provider channels through the API (${storeKind})`, () => {
    let h: Harness;
    const rx = new Map<ProviderKind, Receiver>();
    before(async () => {
      h = await startHarness({ kind: storeKind, settings: { public_url: 'https://monitor.example.org' } });
      for (const kind of PROVIDER_KINDS) rx.set(kind, await providerReceiver(kind));
    });
    after(async () => {
      await h.destroy();
      await Promise.all([...rx.values()].map((r) => r.close()));
    });
    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      h.app.inject({ method, url, ...(payload ? { payload } : {}) });
    const receiver = (kind: ProviderKind) => rx.get(kind) ?? assert.fail(kind);

    test('each kind: made, shown redacted, stored encrypted, tested, kept on PATCH, scrubbed', async () => {
      const allSecrets: string[] = [];
      for (const kind of PROVIDER_KINDS) {
        const r = receiver(kind);
        const { config, secrets } = providerConfig(kind, r.base);
        allSecrets.push(...secrets);
        const created = await api('POST', '/api/v1/alerts/channels', {
          name: `${kind} on-call`,
          kind,
          config,
        });
        assert.equal(created.statusCode, 201, created.body);
        const c = created.json<ChannelView>();
        for (const f of channelRegistry[kind].secretFields)
          if (config[f] !== undefined && config[f] !== null)
            assert.equal(c.config[f], REDACTED, `${kind}.${f}`);
        for (const s of secrets) assert.ok(!created.body.includes(s), `${kind}: ${s} in the answer`);

        const row = await h.monitor.store.db
          .selectFrom('notification_channels')
          .select('config')
          .where('id', '=', c.id)
          .executeTakeFirstOrThrow();
        for (const s of secrets) assert.ok(!row.config.includes(s), `${kind}: ${s} stored in clear`);
        assert.match(row.config, /enc:v1:/);

        const tested = await api('POST', `/api/v1/alerts/channels/${c.id}/test`);
        assert.equal(tested.statusCode, 200, tested.body);
        assert.deepEqual(
          { ok: tested.json<{ ok: boolean }>().ok, problems: r.hits.at(-1)?.problems },
          { ok: true, problems: [] },
          `${kind}: ${tested.body}`,
        );
        assert.match(r.hits.at(-1)?.raw ?? '', /TEST/, `${kind}: the test notification says it is one`);

        // The dashboard sends the marker back for a secret it never saw: the stored one is kept.
        const patched = await api('PATCH', `/api/v1/alerts/channels/${c.id}`, {
          name: `${kind} 2`,
          config: c.config,
        });
        assert.equal(patched.statusCode, 200, patched.body);
        assert.equal(
          (await api('POST', `/api/v1/alerts/channels/${c.id}/test`)).json<{ ok: boolean }>().ok,
          true,
        );

        // A provider echoing the credential in its error: it is scrubbed from the recorded error.
        r.failNext([400], `bad request for ${secrets.join(' and ')}`);
        const failed = await api('POST', `/api/v1/alerts/channels/${c.id}/test`);
        const error = failed.json<{ ok: boolean; error: string }>().error;
        assert.match(error, /^HTTP 400: bad request for /);
        for (const s of secrets) assert.ok(!failed.body.includes(s), `${kind}: ${s} in ${failed.body}`);
        assert.ok(error.includes(REDACTED), error);
      }
      const list = await api('GET', '/api/v1/alerts/channels');
      for (const s of allSecrets) assert.ok(!list.body.includes(s), `${s} in GET /api/v1/alerts/channels`);
      for (const s of allSecrets) assert.ok(!h.logLines.some((l) => l.includes(s)), `${s} in the logs`);
    });

    test('a bad config of each kind: 400 naming the field', async () => {
      for (const kind of PROVIDER_KINDS) {
        const [config, field] = BAD[kind];
        const res = await api('POST', '/api/v1/alerts/channels', { name: 'bad', kind, config });
        assert.equal(res.statusCode, 400, `${kind}: ${res.body}`);
        const fields = res.json<ErrorAnswer>().error.details.fields.map((f) => f.field);
        // `body.` in front once the route declares its body schema (the contract work).
        assert.ok(
          fields.some((f) => f === field || f === `body.${field}`),
          `${kind}: ${fields.join(', ')} should name ${field}`,
        );
      }
    });

    test('end to end: a server goes down, PagerDuty and Opsgenie are paged; disabling the rule resolves both by key', async () => {
      const pd = receiver('pagerduty');
      const og = receiver('opsgenie');
      pd.hits.length = 0;
      og.hits.length = 0;
      const channelIds: number[] = [];
      for (const kind of ['pagerduty', 'opsgenie'] as const) {
        const c = await api('POST', '/api/v1/alerts/channels', {
          name: `${kind} e2e`,
          kind,
          config: providerConfig(kind, receiver(kind).base).config,
        });
        channelIds.push(c.json<ChannelView>().id);
      }
      const down = await unusedPortUrl();
      const added = await api('POST', '/api/v1/servers', {
        name: 'payments',
        transport: 'streamable-http',
        url: down.url,
        health_check_interval: 1,
        health_check_retries: 1,
      });
      assert.equal(added.statusCode, 201, added.body);
      const rule = await api('POST', '/api/v1/alerts/rules', {
        name: 'Payments down',
        metric: 'status_offline',
        condition: 'eq',
        threshold: 1,
        evaluation_period: 0,
        severity: 'critical',
        servers: ['payments'],
        channels: channelIds,
        // at once: this test is about the providers' keys (alerts-grouping tests keyed grouping)
        group_wait: 0,
      });
      assert.equal(rule.statusCode, 201, rule.body);
      h.monitor.alerts.evaluateNow();
      const trigger = await waitFor('the PagerDuty trigger', () =>
        pd.hits.find((x) => x.body.event_action === 'trigger'),
      );
      assert.deepEqual(trigger.problems, []);
      const payload = trigger.body.payload as { summary: string; severity: string; source: string };
      assert.equal(payload.summary, '[FIRING] Payments down on payments');
      assert.equal(payload.severity, 'critical');
      assert.equal(payload.source, 'payments');
      const links = trigger.body.links as { href: string }[];
      assert.match(links[0]?.href ?? '', /^https:\/\/monitor\.example\.org\/alerts\?id=\d+$/);
      const created = await waitFor('the Opsgenie alert', () => og.hits.find((x) => x.url === '/v2/alerts'));
      assert.deepEqual(created.problems, []);

      const off = await api('PATCH', `/api/v1/alerts/rules/${rule.json<{ id: number }>().id}`, {
        enabled: false,
      });
      assert.equal(off.statusCode, 200, off.body);
      const resolve = await waitFor('the PagerDuty resolve', () =>
        pd.hits.find((x) => x.body.event_action === 'resolve'),
      );
      assert.equal(resolve.body.dedup_key, trigger.body.dedup_key);
      const close = await waitFor('the Opsgenie close', () => og.hits.find((x) => x.url.includes('/close')));
      assert.equal(
        close.url,
        `/v2/alerts/${encodeURIComponent(String(created.body.alias))}/close?identifierType=alias`,
      );
    });
  });
