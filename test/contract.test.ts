import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import * as contract from '../src/api/contract/index.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

// The API's one contract (src/api/contract/): the document lists every route with the schema of
// each answer, and real answers are what those schemas say.
describe('API contract', () => {
  let h: Harness;
  const secret = 'contract-webhook-secret-123';
  before(async () => {
    // Answers are not checked by the API here (checkAnswers: false): this test checks them itself.
    h = await startHarness({ settings: { alert_evaluation_interval: 1 }, api: { checkAnswers: false } });
  });
  after(() => h.destroy());

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const res = await h.app.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  /** The answer, checked against its schema. */
  const answer = async <S extends z.ZodType>(
    schema: S,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
  ) => {
    const res = await call(method, url, payload);
    const parsed = schema.safeParse(res.json());
    assert.ok(
      parsed.success,
      `${method} ${url} is off its contract: ${parsed.error?.message ?? ''}\n${res.body}`,
    );
    return { body: res.body, value: parsed.data };
  };

  test('every route is in the document with the schema of its answer', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).json<Doc>();
    const api = h.routes.filter((r) => / \/(api\/|healthz$|readyz$|metrics$)/.test(r));
    const ids = new Set<string>();
    for (const route of api) {
      const [method = '', path = ''] = route.split(' ');
      const op = doc.paths[path.replace(/:([a-zA-Z_]+)/g, '{$1}')]?.[method.toLowerCase()];
      assert.ok(op, `${route} is in the document`);
      assert.ok(op.operationId && !ids.has(op.operationId), `${route} has an operationId of its own`);
      ids.add(op.operationId);
      const ok = Object.entries(op.responses).filter(([status]) => /^(1|2)\d\d$/.test(status));
      assert.equal(ok.length > 0, true, `${route} documents its success answer`);
      for (const [status, response] of ok) {
        if (status === '204' || status === '101') continue; // no body
        const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
        assert.ok(schemas.length > 0 && schemas.every(Boolean), `${route} ${status} has a schema`);
      }
      assert.ok(op.responses.default?.content?.['application/json']?.schema, `${route} documents its errors`);
    }
  });

  test('real answers are what the schemas say; channel secrets are never returned', async () => {
    const { url } = await unusedPortUrl();
    await answer(contract.serverView, 'POST', '/api/v1/servers', {
      name: 'gone',
      transport: 'streamable-http',
      url,
      headers: { Authorization: 'Bearer upstream-secret' },
      health_check_interval: 1,
    });
    const channel = await answer(contract.channelView, 'POST', '/api/v1/alerts/channels', {
      name: 'hook',
      kind: 'webhook',
      config: { url: 'https://example.invalid/hook', secret },
    });
    assert.ok(!channel.body.includes(secret), 'the created channel hides its secret');
    const channels = await answer(contract.channelList, 'GET', '/api/v1/alerts/channels');
    assert.ok(!channels.body.includes(secret), 'channels hide their secrets');
    await answer(contract.channelView, 'GET', `/api/v1/alerts/channels/${channel.value.id}`);
    const rule = await answer(contract.alertRule, 'POST', '/api/v1/alerts/rules', {
      name: 'slow',
      metric: 'response_time_p95',
      condition: 'gt',
      threshold: 500,
      channels: [channel.value.id],
    });
    await answer(contract.alertRule, 'PATCH', `/api/v1/alerts/rules/${rule.value.id}`, { threshold: 800 });
    await answer(contract.ruleList, 'GET', '/api/v1/alerts/rules');
    await answer(contract.silenceView, 'POST', '/api/v1/alerts/silences', {
      tag: 'maintenance',
      ends_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    await answer(contract.silenceList, 'GET', '/api/v1/alerts/silences');

    // The built-in "Server offline" rule fires for the unreachable server: history and the bell.
    const fired = await waitFor('a notification', async () => {
      const { value } = await answer(contract.notificationList, 'GET', '/api/v1/notifications');
      return value.notifications[0];
    });
    await answer(contract.markReadResult, 'POST', '/api/v1/notifications/read', { ids: [fired.id] });
    await answer(contract.activeAlerts, 'GET', '/api/v1/alerts/active');
    const history = await answer(contract.historyList, 'GET', '/api/v1/alerts/history?server=gone');
    const entry = history.value.history[0];
    assert.ok(entry);
    await answer(contract.historyAction, 'POST', `/api/v1/alerts/history/${entry.id}/ack`, {
      comment: 'mine',
    });
    await answer(contract.historyDetail, 'GET', `/api/v1/alerts/history/${entry.id}`);

    const server = await answer(contract.serverView, 'GET', '/api/v1/servers/gone');
    assert.ok(!server.body.includes('upstream-secret'), 'header values are redacted');
    await answer(contract.serverList, 'GET', '/api/v1/servers');
    await answer(contract.checkList, 'GET', '/api/v1/servers/gone/checks');
    await answer(contract.serverLogs, 'GET', '/api/v1/servers/gone/logs');
    await answer(contract.metricSeries, 'GET', '/api/v1/servers/gone/metrics?metric=latency_p95&compare=1w');
    await answer(contract.metricSeries, 'GET', '/api/v1/servers/gone/metrics?metric=cpu');
    await answer(contract.endpointTable, 'GET', '/api/v1/servers/gone/endpoints');
    await answer(contract.overview, 'GET', '/api/v1/overview');
    await answer(contract.usageReport, 'GET', '/api/v1/servers/gone/usage?time_zone=Europe/Berlin');
    await answer(contract.usageReport, 'GET', '/api/v1/usage');
    await answer(contract.serverView, 'POST', '/api/v1/servers/gone/disable', { minutes: 5 });
    await answer(contract.info, 'GET', '/api/v1/info');
    await answer(contract.healthz, 'GET', '/healthz');
    await answer(contract.readyz, 'GET', '/readyz');
  });
});
