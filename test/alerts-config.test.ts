import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesRepo } from '../src/alerts/config-repo.js';
import { ruleInputSchema } from '../src/model/alert-rule.js';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startHarness, waitFor } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

const tmpFile = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'mcp-health-alerts-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
};

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};

test('alert_rules and alert_evaluation_interval in the config file', () => {
  const c = loadConfig({
    env: {},
    file: tmpFile(`
alert_evaluation_interval: 1
alert_rules:
  - name: Slow p95
    metric: response_time_p95
    condition: gt
    threshold: 500
    evaluation_period: 300
    servers: [api-gateway]
    severity: critical
    channels: [1]
`),
  });
  assert.equal(c.alert_evaluation_interval, 1);
  assert.deepEqual(c.alert_rules, [
    {
      name: 'Slow p95',
      description: null,
      metric: 'response_time_p95',
      series: null,
      condition: 'gt',
      threshold: 500,
      evaluation_period: 300,
      servers: ['api-gateway'],
      severity: 'critical',
      channels: [1],
      repeat_interval: null,
      enabled: true,
      group_wait: 30,
      group_interval: 300,
      escalation: [],
    },
  ]);
  const d = loadConfig({ env: {} });
  assert.equal(d.alert_evaluation_interval, 15, 'default 15 s');
  assert.deepEqual(d.alert_rules, []);
});

test('bad alert settings stop start-up naming the key', () => {
  const bad = problemsOf(() =>
    loadConfig({
      env: {},
      file: tmpFile(`
alert_rules:
  - { name: A, metric: latency, condition: gt, threshold: 1 }
  - { name: B, metric: cpu, condition: above, threshold: 1, colour: red }
  - { name: B, metric: cpu, condition: gt, threshold: 1 }
`),
    }),
  );
  assert.ok(
    bad.some((p) => p.startsWith('alert_rules.0.metric')),
    bad.join('\n'),
  );
  assert.ok(
    bad.some((p) => p.startsWith('alert_rules.1.condition')),
    bad.join('\n'),
  );
  assert.ok(
    bad.some((p) => p.startsWith('alert_rules.1.colour: unknown key')),
    bad.join('\n'),
  );
  const dup = problemsOf(() =>
    loadConfig({
      env: {},
      file: tmpFile(`
alert_rules:
  - { name: B, metric: cpu, condition: gt, threshold: 1 }
  - { name: B, metric: cpu, condition: gt, threshold: 2 }
`),
    }),
  );
  assert.ok(
    dup.some((p) => p.startsWith('alert_rules.1.name') && p.includes('duplicate')),
    dup.join('\n'),
  );
  const zero = problemsOf(() => loadConfig({ env: {}, file: tmpFile('alert_evaluation_interval: 0\n') }));
  assert.ok(zero[0]?.startsWith('alert_evaluation_interval'), zero.join('\n'));
  const env = problemsOf(() => loadConfig({ env: { MCP_HEALTH_ALERT_EVALUATION_INTERVAL: 'often' } }));
  assert.ok(
    env[0]?.startsWith('alert_evaluation_interval (from MCP_HEALTH_ALERT_EVALUATION_INTERVAL)'),
    env.join('\n'),
  );
  assert.equal(
    loadConfig({ env: {}, flags: { alert_evaluation_interval: '2' } }).alert_evaluation_interval,
    2,
    'a flag',
  );
});

const declared = (threshold: number, extra: object[] = []) => [
  { name: 'Fast rps', metric: 'rps', condition: 'gt', threshold },
  { name: 'Busy', metric: 'active_connections', condition: 'gt', threshold: 100 },
  ...extra,
];

for (const kind of kinds)
  describe(`config-declared rules (${kind})`, () => {
    test('synced at start, marked config, read-only through the API; the tick follows the setting', async () => {
      let h = await startHarness({
        kind,
        settings: { alert_rules: declared(10), alert_evaluation_interval: 1 },
      });
      try {
        const api = (method: 'GET' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
          h.app.inject({ method, url, ...(payload ? { payload } : {}) });
        const list = async () =>
          (await api('GET', '/api/v1/alerts/rules')).json().rules as {
            id: number;
            name: string;
            source: string;
            threshold: number;
          }[];
        const first = await list();
        assert.deepEqual(
          first.map((r) => [r.name, r.source]),
          [
            ['Server offline', 'api'],
            ['Error rate above 5%', 'api'],
            ['Fast rps', 'config'],
            ['Busy', 'config'],
          ],
        );
        const fast = first.find((r) => r.name === 'Fast rps');
        assert.ok(fast);
        const patch = await api('PATCH', `/api/v1/alerts/rules/${fast.id}`, { threshold: 1 });
        assert.equal(patch.statusCode, 409, patch.body);
        assert.match(patch.body, /config file/);
        assert.equal((await api('DELETE', `/api/v1/alerts/rules/${fast.id}`)).statusCode, 409);

        // The evaluation tick alone (no status change, no API change) fires a rule written straight to the store.
        const { url } = await unusedPortUrl();
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          payload: { name: 'quiet', transport: 'streamable-http', url, health_check_interval: 3600 },
        });
        await waitFor('first check done', () => h.monitor.registry.get('quiet')?.state.status !== 'unknown');
        const rule = await rulesRepo.insert(
          h.monitor.store.db,
          ruleInputSchema.parse({ name: 'No traffic', metric: 'rps', condition: 'lte', threshold: 0 }),
          Date.now(),
        );
        await waitFor('fired on a tick', async () =>
          (
            (await h.app.inject({ method: 'GET', url: '/api/v1/alerts/active' })).json().alerts as {
              rule_id: number;
            }[]
          ).some((a) => a.rule_id === rule.id),
        );

        // Restart with the file changed: Fast rps changed (same id), Busy removed, Slow added.
        const target = h.target;
        await h.stop();
        h = await startHarness({
          target,
          settings: {
            alert_rules: [
              declared(20)[0],
              { name: 'Slow', metric: 'response_time_p99', condition: 'gt', threshold: 900 },
            ],
          },
        });
        const second = await list();
        assert.deepEqual(
          second.map((r) => [r.name, r.source, r.threshold]),
          [
            ['Server offline', 'api', 1],
            ['Error rate above 5%', 'api', 5],
            ['Fast rps', 'config', 20],
            ['No traffic', 'api', 0],
            ['Slow', 'config', 900],
          ],
        );
        assert.equal(second.find((r) => r.name === 'Fast rps')?.id, fast.id, 'id kept');
      } finally {
        await h.destroy();
      }
    });
  });
