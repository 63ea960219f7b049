import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../src/log.js';
import { buildAlertMessage } from '../src/alerts/message.js';
import { DEFAULT_RULES } from '../src/alerts/rule.js';
import { type AlertRule } from '../src/model/alert-rule.js';
import type { AlertMessage, NotificationInput, DeliveryAttempt } from '../src/model/notification.js';
import { CHANNEL_KINDS } from '../src/model/notification.js';
import type { ChannelDeps } from '../src/alerts/channels/channel.js';
import { SIGNATURE_HEADER, webhookChannel, webhookConfigSchema } from '../src/alerts/channels/webhook.js';
import { emailChannel, emailConfigSchema } from '../src/alerts/channels/email.js';
import { logChannel } from '../src/alerts/channels/log.js';
import { dashboardChannel } from '../src/alerts/channels/dashboard.js';
import { channelInputSchema, channelRegistry, dispatch } from '../src/alerts/channels/registry.js';

/** Narrows away `undefined` with an assertion (no `!` in this code base). */
const must = <T>(v: T | undefined): T => {
  assert.ok(v !== undefined);
  return v;
};

const T0 = Date.UTC(2026, 10, 27, 7, 0, 0);
const rule: AlertRule = { ...must(DEFAULT_RULES[1]), id: 42, source: 'api', created_at: T0, updated_at: T0 };
const server = { id: 'chaos', name: 'Chaos Server' };
const firing = buildAlertMessage(
  rule,
  server,
  { kind: 'firing', at: T0 + 300_000, triggeredAt: T0 + 300_000, value: 7.5 },
  'http://monitor.local:8080/',
  17,
);
const resolved = buildAlertMessage(
  rule,
  server,
  { kind: 'resolved', at: T0 + 900_000, triggeredAt: T0 + 300_000, value: 1 },
  'http://monitor.local:8080',
);

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

const quietDeps = (): ChannelDeps => ({
  logger: createLogger('silent'),
  backoff: { baseMs: 20, maxMs: 100 },
});

/** A webhook receiver that records raw bodies and answers with the statuses given, then 200. */
async function receiver(statuses: number[], delayMs = 0) {
  const hits: { body: string; headers: IncomingHttpHeaders; at: number }[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() });
      const status = statuses[hits.length - 1] ?? 200;
      setTimeout(() => res.writeHead(status).end(status === 200 ? 'ok' : 'boom'), delayMs);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
  return { hits, url, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

const verify = (secret: string, body: string, header: string | string[] | undefined): boolean => {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const want = createHmac('sha256', secret).update(body).digest();
  const got = Buffer.from(header.slice(7), 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
};

describe('alert message', () => {
  test('has the webhook fields of issue 5', () => {
    assert.deepEqual(firing.rule, { id: 42, name: 'Error rate above 5%' });
    assert.deepEqual(firing.server, { id: 'chaos', name: 'Chaos Server' });
    assert.equal(firing.state, 'firing');
    assert.equal(firing.value, 7.5);
    assert.equal(firing.threshold, 5);
    assert.equal(firing.severity, 'warning');
    assert.equal(firing.triggered_at, '2026-11-27T07:05:00.000Z');
    assert.equal(firing.url, 'http://monitor.local:8080/servers/chaos');
    assert.equal(firing.alert_url, 'http://monitor.local:8080/alerts?id=17');
    assert.equal(resolved.state, 'resolved');
    assert.equal(resolved.triggered_at, '2026-11-27T07:05:00.000Z');
    assert.equal(resolved.resolved_at, '2026-11-27T07:15:00.000Z');
  });
});

describe('webhook channel', () => {
  test('signs the body, retries 500 twice with backoff, succeeds on the third try', async () => {
    const rx = await receiver([500, 500, 200]);
    try {
      const secret = 's3cret';
      const attempts: DeliveryAttempt[] = [];
      const config = webhookConfigSchema.parse({ url: rx.url, secret });
      const r = await webhookChannel.send(config, firing, {
        deps: quietDeps(),
        onAttempt: (a) => attempts.push(a),
      });
      assert.deepEqual(r, { ok: true, tries: 3, error: null });
      assert.equal(rx.hits.length, 3);
      for (const h of rx.hits) {
        assert.ok(verify(secret, h.body, h.headers[SIGNATURE_HEADER.toLowerCase()]), 'HMAC verifies');
        assert.equal(h.headers['content-type'], 'application/json');
        const body = JSON.parse(h.body) as AlertMessage;
        for (const k of ['rule', 'server', 'state', 'value', 'threshold', 'severity', 'triggered_at', 'url'])
          assert.ok(k in body, k);
        assert.deepEqual(body.rule, { id: 42, name: 'Error rate above 5%' });
      }
      assert.ok(
        !verify('wrong', must(rx.hits[0]).body, must(rx.hits[0]).headers[SIGNATURE_HEADER.toLowerCase()]),
      );
      assert.deepEqual(
        attempts.map((a) => [a.try, a.outcome, a.status, a.error]),
        [
          [1, 'error', 500, 'HTTP 500'],
          [2, 'error', 500, 'HTTP 500'],
          [3, 'ok', 200, null],
        ],
      );
      // Backoff 20 ms then 40 ms between tries.
      assert.ok(must(rx.hits[1]).at - must(rx.hits[0]).at >= 15);
      assert.ok(must(rx.hits[2]).at - must(rx.hits[1]).at >= 35);
    } finally {
      await rx.close();
    }
  });

  test('no secret, no signature header; 4xx is not retried', async () => {
    const rx = await receiver([404]);
    try {
      const r = await webhookChannel.send(webhookConfigSchema.parse({ url: rx.url }), firing, {
        deps: quietDeps(),
      });
      assert.deepEqual(r, { ok: false, tries: 1, error: 'HTTP 404' });
      assert.equal(must(rx.hits[0]).headers[SIGNATURE_HEADER.toLowerCase()], undefined);
    } finally {
      await rx.close();
    }
  });

  test('times out each try and gives up after the retries', async () => {
    const rx = await receiver([], 1000);
    try {
      const attempts: DeliveryAttempt[] = [];
      const config = webhookConfigSchema.parse({ url: rx.url, timeout_ms: 100, retries: 1 });
      const r = await webhookChannel.send(config, firing, {
        deps: quietDeps(),
        onAttempt: (a) => attempts.push(a),
      });
      assert.equal(r.ok, false);
      assert.equal(r.tries, 2);
      assert.equal(r.error, 'timed out after 100 ms');
      assert.equal(attempts.length, 2);
    } finally {
      await rx.close();
    }
  });

  test('config: url must be http(s); unknown fields rejected', () => {
    assert.equal(webhookConfigSchema.safeParse({ url: 'ftp://x/y' }).success, false);
    assert.equal(webhookConfigSchema.safeParse({ url: 'https://x/y', foo: 1 }).success, false);
    assert.deepEqual(webhookConfigSchema.parse({ url: 'https://x/y' }), {
      url: 'https://x/y',
      secret: null,
      timeout_ms: 5000,
      retries: 3,
    });
  });
});

describe('email channel', () => {
  const received: { from: string; to: string[]; data: string }[] = [];
  let smtp: SMTPServer;
  let port = 0;

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    port = (smtp.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => smtp.close(() => r())));

  test('a real SMTP server receives the firing and the resolved email', async () => {
    const config = emailConfigSchema.parse({
      host: '127.0.0.1',
      port,
      from: 'monitor@example.test',
      to: ['ops@example.test', 'oncall@example.test'],
    });
    const attempts: DeliveryAttempt[] = [];
    const a = await emailChannel.send(config, firing, {
      deps: quietDeps(),
      onAttempt: (x) => attempts.push(x),
    });
    const b = await emailChannel.send(config, resolved, { deps: quietDeps() });
    assert.deepEqual(a, { ok: true, tries: 1, error: null });
    assert.deepEqual(b, { ok: true, tries: 1, error: null });
    assert.equal(attempts.length, 1);
    assert.equal(received.length, 2);
    const [m1, m2] = received;
    assert.equal(must(m1).from, 'monitor@example.test');
    assert.deepEqual(must(m1).to, ['ops@example.test', 'oncall@example.test']);
    assert.match(must(m1).data, /^Subject: \[FIRING\] Error rate above 5% on Chaos Server \(warning\)/m);
    assert.match(must(m1).data, /Rule: +Error rate above 5% \(#42\)/);
    assert.match(must(m1).data, /Server: +Chaos Server \(chaos\)/);
    assert.match(must(m1).data, /Value: +7\.5/);
    assert.match(must(m2).data, /^Subject: \[RESOLVED\] Error rate above 5% on Chaos Server/m);
    assert.match(must(m2).data, /Resolved: +2026-11-27T07:15:00\.000Z/);
  });

  test('an unreachable SMTP server is a failed try, not a throw', async () => {
    const config = emailConfigSchema.parse({
      host: '127.0.0.1',
      port: 1,
      from: 'm@example.test',
      to: 'o@example.test',
      timeout_ms: 2000,
    });
    const r = await emailChannel.send(config, firing, { deps: quietDeps() });
    assert.equal(r.ok, false);
    assert.ok(r.error);
  });

  test('config needs user and password together', () => {
    const base = { host: 'smtp.example.test', from: 'a@b.c', to: 'd@e.f' };
    assert.equal(emailConfigSchema.safeParse({ ...base, user: 'u' }).success, false);
    const ok = emailConfigSchema.parse({ ...base, user: 'u', password: 'p', secure: true, port: 465 });
    assert.equal(ok.port, 465);
  });
});

describe('log and dashboard channels', () => {
  test('log channel writes one structured line (and an audit row when wired)', async () => {
    const { logger, lines } = captureLogger();
    const audits: unknown[] = [];
    const r = await logChannel.send({}, firing, { deps: { logger, audit: (row) => void audits.push(row) } });
    assert.equal(r.ok, true);
    assert.equal(lines.length, 1);
    const line = must(lines[0]);
    assert.equal(line.msg, '[FIRING] Error rate above 5% on Chaos Server');
    assert.equal(line.level, 40); // warn, for a warning rule
    assert.equal(line.event, 'alert');
    const alert = line.alert as Record<string, unknown>;
    assert.equal(alert.state, 'firing');
    assert.deepEqual(alert.server, { id: 'chaos', name: 'Chaos Server' });
    assert.equal(alert.value, 7.5);
    assert.deepEqual(audits, [
      {
        action: 'alert.firing',
        target: 'chaos',
        details: {
          rule: { id: 42, name: 'Error rate above 5%' },
          value: 7.5,
          threshold: 5,
          severity: 'warning',
        },
      },
    ]);
  });

  test('dashboard channel calls the injected notify', async () => {
    const got: NotificationInput[] = [];
    const r = await dashboardChannel.send({}, resolved, {
      deps: { logger: createLogger('silent'), notify: (n) => void got.push(n) },
    });
    assert.equal(r.ok, true);
    assert.equal(got.length, 1);
    assert.equal(must(got[0]).title, '[RESOLVED] Error rate above 5% on Chaos Server');
    assert.equal(must(got[0]).message.state, 'resolved');
  });
});

describe('registry and dispatch', () => {
  test('the registry has one channel per kind', () => {
    assert.deepEqual(Object.keys(channelRegistry).sort(), [...CHANNEL_KINDS].sort());
    for (const [kind, ch] of Object.entries(channelRegistry)) assert.equal(ch.kind, kind);
  });

  test('channel body: config checked against its kind', () => {
    assert.equal(
      channelInputSchema.safeParse({ name: 'h', kind: 'webhook', config: { url: 'nope' } }).success,
      false,
    );
    assert.equal(
      channelInputSchema.safeParse({ name: 'h', kind: 'webhook', config: { url: 'https://x' } }).success,
      true,
    );
    assert.equal(channelInputSchema.safeParse({ name: 'l', kind: 'log' }).success, true);
    assert.equal(channelInputSchema.safeParse({ name: 'p', kind: 'pager', config: {} }).success, false);
  });

  test('a failing or slow channel never blocks the others', async () => {
    const slow = await receiver([500, 500, 500], 0);
    try {
      const { logger, lines } = captureLogger();
      const got: NotificationInput[] = [];
      const attempts: [number, DeliveryAttempt][] = [];
      const deps: ChannelDeps = {
        logger,
        backoff: { baseMs: 300, maxMs: 300 },
        notify: () => {
          throw new Error('hub down');
        },
      };
      const started = Date.now();
      const seenLog: number[] = [];
      const results = await dispatch(
        [
          { id: 1, kind: 'webhook', config: { url: slow.url, retries: 2 } },
          { id: 2, kind: 'dashboard', config: {} },
          { id: 3, kind: 'log', config: {} },
          { id: 4, kind: 'email', config: { host: '' } },
        ],
        firing,
        deps,
        (id, a) => {
          attempts.push([id, a]);
          if (id === 3) seenLog.push(Date.now() - started);
        },
      );
      assert.deepEqual(
        results.map((r) => [r.channel_id, r.kind, r.ok, r.tries]),
        [
          [1, 'webhook', false, 3],
          [2, 'dashboard', false, 1],
          [3, 'log', true, 1],
          [4, 'email', false, 1],
        ],
      );
      assert.equal(must(results[1]).error, 'hub down');
      assert.match(must(results[3]).error ?? '', /^invalid email config: host/);
      assert.equal(lines.length, 1);
      assert.equal(got.length, 0);
      // The log line went out long before the webhook's 600 ms of backoff ended.
      assert.ok(must(seenLog[0]) < 300, `log after ${seenLog[0]} ms`);
      assert.equal(attempts.filter(([id]) => id === 1).length, 3);
    } finally {
      await slow.close();
    }
  });
});
