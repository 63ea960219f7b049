import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers/harness.js';
import { addReportedServer } from './helpers/backfill.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();
const MIN = 60_000;

/** An RFC 4180 reader (quoted fields, doubled quotes, CRLF), independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (quoted) {
      if (c === '"' && next === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && next === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field, '', 'the text ends with CRLF');
  return rows;
}

/** The CSV's rows as header → cell. */
function readBack(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  assert.ok(header);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** JSON rows as the cells they must read back as: null empty, nested values as JSON, the rest as text. */
const asCells = (rows: Record<string, unknown>[]): Record<string, string>[] =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v === null
          ? ''
          : typeof v === 'string'
            ? v
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v)
              : JSON.stringify(v),
      ]),
    ),
  );

for (const kind of kinds) {
  describe(`CSV export (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind });
      await addReportedServer(h, 'Exported');
      const now = Date.now();
      const events = [];
      for (let i = 0; i < 60; i++)
        events.push({
          server: 'exported',
          method: 'tools/call',
          endpoint: i % 2 ? 'tools/call:search' : 'tools/list',
          started_at: now - 50 * MIN + i * 30_000,
          latency_ms: 10 + (i % 7),
          outcome: i % 10 === 0 ? 'error' : 'ok',
          ...(i % 10 === 0
            ? { error_code: -32602, error_message: 'bad "query", expected a string,\nnot a number' }
            : {}),
          client_name: i % 3 ? 'cursor' : 'claude, desktop',
          client_version: '1.0',
          protocol_version: '2025-06-18',
        });
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
      assert.equal(res.statusCode, 202, res.body);
      const flushed = await h.monitor.aggregator.flush();
      assert.ok(flushed.ok, flushed.error);
    });
    after(() => h.destroy());

    const both = async (url: string) => {
      const json = await h.app.inject({ url });
      assert.equal(json.statusCode, 200, json.body);
      const csv = await h.app.inject({ url: `${url}${url.includes('?') ? '&' : '?'}format=csv` });
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(
        String(csv.headers['content-disposition']),
        /^attachment; filename="[A-Za-z0-9._-]+\.csv"$/,
      );
      return { json: json.json(), csv: readBack(csv.body), text: csv.body };
    };

    test('a metric series: the points, row for row', async () => {
      const { json, csv } = await both(
        `/api/v1/servers/exported/metrics?metric=rps&from=${Date.now() - 3_600_000}`,
      );
      assert.ok(json.points.length > 0);
      assert.deepEqual(csv, asCells(json.points));
      const latency = await both('/api/v1/servers/exported/metrics?metric=latency_p95&compare=1w');
      assert.deepEqual(
        latency.csv,
        asCells(
          latency.json.points.map((p: { t: number; v: number | null }, i: number) => ({
            ...p,
            previous: latency.json.compare.points[i]?.v ?? null,
          })),
        ),
      );
    });

    test('usage: each table of the report', async () => {
      for (const table of ['daily', 'top_endpoints', 'clients', 'by_hour_of_day']) {
        const { json, csv, text } = await both(`/api/v1/usage?table=${table}`);
        assert.ok(json[table].length > 0, table);
        assert.deepEqual(csv, asCells(json[table]), table);
        if (table === 'clients') assert.ok(text.includes('"claude, desktop"'), 'a comma is quoted');
      }
      const server = await both('/api/v1/servers/exported/usage?table=top_endpoints');
      assert.deepEqual(server.csv, asCells(server.json.top_endpoints));
    });

    test('uptime: the windows', async () => {
      const { json, csv } = await both('/api/v1/servers/exported/uptime?windows=1h,24h');
      // The two answers were made a few ms apart: their windows end then.
      const figures = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'from' && k !== 'to')));
      assert.deepEqual(figures(csv), figures(asCells(json.windows)));
      assert.deepEqual(
        csv.map((r) => r.window),
        ['1h', '24h'],
      );
    });

    test('the OpenAPI document lists text/csv beside the JSON of each route that offers it', async () => {
      const doc = (await h.app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<
          string,
          Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
        >;
      }>();
      for (const path of [
        '/api/v1/servers/{id}/metrics',
        '/api/v1/servers/{id}/usage',
        '/api/v1/usage',
        '/api/v1/servers/{id}/uptime',
        '/api/v1/errors',
      ]) {
        const content = doc.paths[path]?.get?.responses['200']?.content ?? {};
        assert.deepEqual(Object.keys(content).sort(), ['application/json', 'text/csv'], path);
      }
      assert.deepEqual(Object.keys(doc.paths['/api/v1/overview']?.get?.responses['200']?.content ?? {}), [
        'application/json',
      ]);
    });

    test('errors: the groups, quotes and line breaks kept', async () => {
      const { json, csv, text } = await both('/api/v1/errors');
      assert.ok(json.groups.length >= 1);
      assert.deepEqual(csv, asCells(json.groups));
      if (JSON.stringify(json.groups).includes('\\"')) assert.ok(text.includes('""'), 'quotes doubled');
      assert.ok(
        /"[^"]*\n/.test(text) || !JSON.stringify(json.groups).includes('\\n'),
        'line breaks inside quotes',
      );
      const none = await h.app.inject({ url: '/api/v1/errors?server=nobody&format=csv' });
      assert.equal(parseCsv(none.body).length, 1, 'an empty list is its header row');
      assert.equal((await h.app.inject({ url: '/api/v1/errors?format=xml' })).statusCode, 400);
    });
  });
}
