/**
 * Issue 17 point 1: each provider channel against a local stand-in that checks the provider's
 * documented format — firing and resolved, long names cut to the limits, the credential where
 * the provider wants it, retries on the provider's 429/5xx and no retry on its 400.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlertMessage } from '../src/alerts/message.js';
import { DEFAULT_RULES } from '../src/alerts/rule.js';
import { createLogger } from '../src/log.js';
import type { AlertRule } from '../src/model/alert-rule.js';
import type { AlertMessage, DeliveryAttempt } from '../src/model/notification.js';
import type { ChannelDeps } from '../src/alerts/channels/channel.js';
import { channelInputSchema, channelRegistry, sendTo } from '../src/alerts/channels/registry.js';
import {
  PROVIDER_KINDS,
  providerConfig,
  providerReceiver,
  type Hit,
  type ProviderKind,
  type Receiver,
} from './helpers/provider-receivers.js';

const must = <T>(v: T | undefined): T => {
  assert.ok(v !== undefined);
  return v;
};

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const baseRule = must(DEFAULT_RULES[1]);
const rule: AlertRule = {
  ...baseRule,
  id: 7,
  severity: 'critical',
  source: 'api',
  created_at: T0,
  updated_at: T0,
};
const server = { id: 'chaos', name: 'Chaos <Server> & co' };
const BASE = 'https://monitor.example.org/mcp-health';
const firing = buildAlertMessage(
  rule,
  server,
  { kind: 'firing', at: T0, triggeredAt: T0, value: 7.5 },
  BASE,
  17,
);
const resolved = buildAlertMessage(
  rule,
  server,
  { kind: 'resolved', at: T0 + 600_000, triggeredAt: T0, value: 1 },
  BASE,
  17,
);
/** Names far over every provider's limits: what users type is cut, never refused by the provider. */
const huge = buildAlertMessage(
  { ...rule, name: `Huge ${'r'.repeat(20_000)}` },
  { id: 's'.repeat(255), name: `🚨${'n'.repeat(20_000)}` },
  { kind: 'firing', at: T0, triggeredAt: T0, value: 1e12 },
  BASE,
  18,
);

const deps = (): ChannelDeps => ({ logger: createLogger('silent'), backoff: { baseMs: 10, maxMs: 50 } });

async function send(
  kind: ProviderKind,
  config: Record<string, unknown>,
  m: AlertMessage,
  attempts?: DeliveryAttempt[],
) {
  return sendTo({ id: 1, kind, config }, m, { deps: deps(), onAttempt: (a) => attempts?.push(a) });
}

const last = (rx: Receiver): Hit => must(rx.hits.at(-1));

for (const kind of PROVIDER_KINDS)
  describe(`${kind} channel`, () => {
    let rx: Receiver;
    let config: Record<string, unknown>;
    before(async () => {
      rx = await providerReceiver(kind);
      config = providerConfig(kind, rx.base).config;
    });
    after(() => rx.close());

    test('firing, resolved and a message over every limit pass the documented format', async () => {
      for (const m of [firing, resolved, huge]) {
        const r = await send(kind, config, m);
        assert.deepEqual(last(rx).problems, [], `${kind} ${m.state}: ${last(rx).raw.slice(0, 300)}`);
        assert.deepEqual(r, { ok: true, tries: 1, error: null });
      }
      // Every message links to the alert in the dashboard at public_url (PagerDuty's resolve
      // carries only the key; Opsgenie's close only a note with the link).
      for (const h of rx.hits.slice(0, 2))
        assert.ok(
          h.raw.includes(`${BASE}/alerts?id=17`) ||
            h.raw.includes(encodeURIComponent(`${BASE}/alerts?id=17`)) ||
            kind === 'pagerduty',
          `${kind}: the alert link in ${h.raw.slice(0, 200)}`,
        );
    });

    test('the provider says 429 then 503: retried with backoff; its 400 is not retried and says why', async () => {
      rx.failNext([429, 503]);
      const attempts: DeliveryAttempt[] = [];
      const ok = await send(kind, config, firing, attempts);
      assert.deepEqual(ok, { ok: true, tries: 3, error: null });
      assert.deepEqual(
        attempts.map((a) => [a.kind, a.try, a.status]),
        [
          [kind, 1, 429],
          [kind, 2, 503],
          [kind, 3, ANSWER_STATUS[kind]],
        ],
      );
      rx.failNext([400], 'invalid_payload: missing field');
      const bad = await send(kind, config, firing);
      assert.deepEqual(bad, { ok: false, tries: 1, error: 'HTTP 400: invalid_payload: missing field' });
    });

    test('config: the provider keys are required, secrets declared, url defaults to the public endpoint', () => {
      const channel = channelRegistry[kind];
      const { secrets } = providerConfig(kind, rx.base);
      assert.ok(channel.secretFields.length > 0);
      assert.equal(channel.configSchema.safeParse({}).success, false, 'an empty config is refused');
      assert.equal(channel.configSchema.safeParse({ ...config, nope: 1 }).success, false, 'unknown keys');
      for (const s of secrets)
        assert.ok(
          channel.secretFields.some((f) => String(config[f]).includes(s)),
          `${s} is in a secret field of ${kind}`,
        );
      const withoutUrl = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'url'));
      const parsed = channel.configSchema.safeParse(withoutUrl);
      if (PUBLIC_ENDPOINTS[kind])
        assert.equal((parsed.data as { url?: string } | undefined)?.url, PUBLIC_ENDPOINTS[kind]);
      else assert.equal(parsed.success, false, 'the webhook URL is required');
    });
  });

const ANSWER_STATUS: Record<ProviderKind, number> = {
  slack: 200,
  discord: 204,
  msteams: 202,
  pagerduty: 202,
  opsgenie: 202,
  telegram: 200,
  ntfy: 200,
  mattermost: 200,
  google_chat: 200,
  pushover: 200,
};

const PUBLIC_ENDPOINTS: Record<ProviderKind, string | null> = {
  slack: null,
  discord: null,
  msteams: null,
  pagerduty: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie: 'https://api.opsgenie.com',
  telegram: 'https://api.telegram.org',
  ntfy: 'https://ntfy.sh',
  mattermost: null,
  google_chat: null,
  pushover: 'https://api.pushover.net/1/messages.json',
};

describe('provider specifics', () => {
  const rxs = new Map<ProviderKind, Receiver>();
  const rxOf = async (kind: ProviderKind) => {
    const rx = rxs.get(kind) ?? (await providerReceiver(kind));
    rxs.set(kind, rx);
    rx.hits.length = 0;
    return { rx, config: providerConfig(kind, rx.base).config };
  };
  after(() => Promise.all([...rxs.values()].map((r) => r.close())));

  test('pagerduty: trigger then resolve with the same dedup_key; severity mapped', async () => {
    const { rx, config } = await rxOf('pagerduty');
    await send('pagerduty', config, firing);
    await send('pagerduty', config, { ...firing, notification: 'repeat' });
    await send('pagerduty', config, resolved);
    const [trigger, repeat, resolve] = rx.hits.map((h) => h.body);
    assert.equal(trigger?.event_action, 'trigger');
    assert.equal(repeat?.event_action, 'trigger');
    assert.equal(resolve?.event_action, 'resolve');
    assert.equal(trigger?.routing_key, 'e93facc04764012d7bfb002500d5d1a6');
    assert.equal(trigger?.dedup_key, repeat?.dedup_key);
    assert.equal(trigger?.dedup_key, resolve?.dedup_key);
    const payload = trigger?.payload as Record<string, unknown>;
    assert.equal(payload.severity, 'critical');
    assert.equal(payload.source, 'chaos');
    assert.equal(payload.summary, '[FIRING] Error rate above 5% on Chaos <Server> & co');
    const warning = await rxOf('pagerduty');
    await send('pagerduty', warning.config, { ...firing, severity: 'warning' });
    assert.equal((must(warning.rx.hits[0]).body.payload as Record<string, unknown>).severity, 'warning');
    // Another firing of the same rule on the same server is another incident.
    await send('pagerduty', warning.config, {
      ...firing,
      triggered_at: new Date(T0 + 3_600_000).toISOString(),
    });
    assert.notEqual(must(warning.rx.hits[1]).body.dedup_key, trigger?.dedup_key);
  });

  test('opsgenie: created with an alias, closed by that alias; GenieKey auth', async () => {
    const { rx, config } = await rxOf('opsgenie');
    await send('opsgenie', config, firing);
    await send('opsgenie', config, resolved);
    const [create, close] = rx.hits;
    assert.equal(must(create).url, '/v2/alerts');
    assert.equal(must(create).headers.authorization, 'GenieKey eb243592-faa2-4ba2-a551-1afdf565c889');
    assert.equal(must(create).body.priority, 'P1');
    const alias = String(must(create).body.alias);
    assert.equal(must(close).url, `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`);
    assert.equal(must(close).headers.authorization, 'GenieKey eb243592-faa2-4ba2-a551-1afdf565c889');
  });

  test('telegram: the bot token in the path, HTML escaped, links to the dashboard', async () => {
    const { rx, config } = await rxOf('telegram');
    await send('telegram', config, firing);
    const hit = must(rx.hits[0]);
    assert.equal(hit.url, '/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage');
    assert.equal(hit.body.chat_id, -1001234567890);
    assert.match(String(hit.body.text), /Chaos &lt;Server&gt; &amp; co/);
    assert.match(
      String(hit.body.text),
      /<a href="https:\/\/monitor\.example\.org\/mcp-health\/alerts\?id=17">Open alert<\/a>/,
    );
  });

  test('pushover: token and user in the form body; priority by severity, resolve quiet', async () => {
    const { rx, config } = await rxOf('pushover');
    await send('pushover', config, firing);
    await send('pushover', config, resolved);
    const [a, b] = rx.hits.map((h) => h.body);
    assert.equal(a?.token, 'azGDORePK8gMaC0QOYAMyEEuzJnyUi');
    assert.equal(a?.user, 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG');
    assert.equal(a?.priority, '1');
    assert.equal(b?.priority, '-1');
    assert.equal(a?.url, `${BASE}/alerts?id=17`);
  });

  test('ntfy: topic in the body, the access token as Bearer, priority and tap target', async () => {
    const { rx, config } = await rxOf('ntfy');
    await send('ntfy', config, firing);
    const hit = must(rx.hits[0]);
    assert.equal(hit.body.topic, 'mcp-health-x7q2');
    assert.equal(hit.headers.authorization, 'Bearer tk_ntfyAccessSecret');
    assert.equal(hit.body.priority, 5);
    assert.equal(hit.body.click, `${BASE}/alerts?id=17`);
    await send('ntfy', { ...config, token: null }, firing);
    assert.equal(must(rx.hits[1]).headers.authorization, undefined, 'no token, no Authorization');
  });

  test('google chat: firing and resolve share a thread key', async () => {
    const { rx, config } = await rxOf('google_chat');
    await send('google_chat', config, firing);
    await send('google_chat', config, resolved);
    const keys = rx.hits.map((h) => (h.body.thread as { threadKey: string }).threadKey);
    assert.equal(keys[0], keys[1]);
  });

  test('slack: plain text fallback, Block Kit with header, fields and link buttons', async () => {
    const { rx, config } = await rxOf('slack');
    await send('slack', config, firing);
    const body = must(rx.hits[0]).body as { text: string; blocks: { type: string }[] };
    assert.match(body.text, /^\[FIRING\] Error rate above 5% on Chaos <Server> & co /);
    assert.deepEqual(
      body.blocks.map((b) => b.type),
      ['header', 'section', 'actions'],
    );
    assert.match(JSON.stringify(body.blocks[1]), /Chaos &lt;Server&gt; &amp; co/);
  });

  test('discord: one embed coloured by state, mentions never parsed', async () => {
    const { rx, config } = await rxOf('discord');
    await send('discord', config, firing);
    await send('discord', config, resolved);
    const [a, b] = rx.hits.map((h) => h.body as { embeds: { color: number }[]; allowed_mentions: unknown });
    assert.equal(a?.embeds[0]?.color, 0xd32f2f);
    assert.equal(b?.embeds[0]?.color, 0x2e7d32);
    assert.deepEqual(a?.allowed_mentions, { parse: [] });
  });

  test('channel body: a bad provider key is named with its path', () => {
    const bad = channelInputSchema.safeParse({
      name: 'pd',
      kind: 'pagerduty',
      config: { routing_key: 'short' },
    });
    assert.equal(bad.success, false);
    assert.deepEqual(
      bad.error?.issues.map((i) => i.path.join('.')),
      ['config.routing_key'],
    );
  });
});
