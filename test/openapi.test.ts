import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startHarness, type Harness } from './helpers/harness.js';

interface Doc {
  openapi: string;
  security?: unknown[];
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: { name: string; in: string; required: boolean }[];
        requestBody?: unknown;
        security?: unknown[];
      }
    >
  >;
}

describe('OpenAPI document', () => {
  let h: Harness;
  const token = 'openapi-test-token-1234567890';
  before(async () => {
    h = await startHarness({ kind: 'sqlite', settings: { api_token: token } });
  });
  after(() => h.destroy());

  const fetchDoc = async (): Promise<Doc> => {
    // Served without the token: it holds no data.
    const res = await h.app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Doc>();
  };

  test('is valid OpenAPI 3.1', async () => {
    const doc = await fetchDoc();
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('lists every route the API registers, and only those', async () => {
    const doc = await fetchDoc();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const api = h.routes.filter((r) => / \/(api\/|healthz$|readyz$|metrics$)/.test(r));
    assert.ok(api.length >= 40, `routes seen: ${api.length}`);
    assert.deepEqual([...documented].sort(), [...api].sort());
  });

  test("parameters and bodies come from the routes' own schemas", async () => {
    const doc = await fetchDoc();
    const usage = doc.paths['/api/v1/usage']?.get;
    assert.ok(usage);
    assert.deepEqual(usage.parameters.map((p) => p.name).sort(), [
      'format',
      'from',
      'limit',
      'table',
      'time_zone',
      'to',
    ]);
    const metric = doc.paths['/api/v1/servers/{id}/metrics']?.get;
    assert.ok(metric);
    const required = metric.parameters.filter((p) => p.required).map((p) => `${p.in}:${p.name}`);
    assert.deepEqual(required.sort(), ['path:id', 'query:metric']);
    const create = doc.paths['/api/v1/servers']?.post;
    assert.match(JSON.stringify(create?.requestBody), /"streamable-http"/);
    assert.ok(doc.security, 'a monitor with an api_token says the API needs it');
    assert.deepEqual(doc.paths['/healthz']?.get?.security, [], '/healthz needs no token');
    assert.ok(!JSON.stringify(doc).includes(token), 'the token itself is never in the document');
  });
});
