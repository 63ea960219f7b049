import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo } from '../src/alerts/history-repo.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

interface Action {
  id: number;
  history_id: number;
  action: string;
  by: string;
  at: string;
  comment: string | null;
  until: string | null;
}

for (const kind of kinds)
  describe(`alert history actions and silences API (${kind})`, () => {
    let h: Harness;
    let entryId: number;
    let ruleId: number;
    before(async () => {
      h = await startHarness({ kind });
      const db = h.monitor.store.db;
      const rule = (await rulesRepo.list(db))[0];
      assert.ok(rule);
      ruleId = rule.id;
      entryId = await historyRepo.insertFiring(db, {
        ruleId,
        ruleName: rule.name,
        serverId: 'web-1',
        triggeredAt: Date.now() - 60_000,
        value: 1,
        severity: 'critical',
        snapshot: { status: 'offline', response_time_ms: null, error_rate: 12.5, rps: 3 },
      });
    });
    after(() => h.destroy());

    const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, actor?: string) =>
      h.app.inject({
        method,
        url,
        ...(payload ? { payload } : {}),
        // The client cannot name the actor in a header: it is who authenticated (here, nobody).
        ...(actor ? { headers: { 'x-mcp-health-actor': actor } } : {}),
      });
    const fieldsOf = (body: string): string[] =>
      (JSON.parse(body) as { error: { details: { fields: { field: string }[] } } }).error.details.fields.map(
        (f) => f.field,
      );

    test('ack, silence and comment are stored with who and when, listed and in the detail', async () => {
      const ack = await api('POST', `/api/v1/alerts/history/${entryId}/ack`);
      assert.equal(ack.statusCode, 201, ack.body);
      assert.equal(ack.json().by, 'anonymous', 'the authenticated identity by default: none configured');
      assert.equal(ack.json().action, 'ack');
      assert.ok(Date.parse(ack.json().at as string) > 0);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const silence = await api(
        'POST',
        `/api/v1/alerts/history/${entryId}/silence`,
        { until, comment: 'deploying' },
        'alice',
      );
      assert.equal(silence.statusCode, 201, silence.body);
      assert.equal(silence.json().by, 'anonymous', 'an actor header is not an identity');
      assert.equal(silence.json().until, until);
      const comment = await api('POST', `/api/v1/alerts/history/${entryId}/comment`, {
        text: 'looking into it',
        by: 'bob',
      });
      assert.equal(comment.statusCode, 201, comment.body);
      assert.equal(comment.json().by, 'bob', 'an explicit by wins');

      const [item] = (await api('GET', '/api/v1/alerts/history')).json().history as {
        id: number;
        rule_name: string;
        actions: Action[];
        acknowledged: { by: string } | null;
        silenced_until: string | null;
      }[];
      assert.equal(item?.id, entryId);
      assert.equal(item?.rule_name, 'Server offline');
      assert.deepEqual(
        item?.actions.map((a) => [a.action, a.by, a.comment]),
        [
          ['ack', 'anonymous', null],
          ['silence', 'anonymous', 'deploying'],
          ['comment', 'bob', 'looking into it'],
        ],
      );
      assert.equal(item?.acknowledged?.by, 'anonymous');
      assert.equal(item?.silenced_until, until);

      const detail = await api('GET', `/api/v1/alerts/history/${entryId}`);
      assert.equal(detail.statusCode, 200, detail.body);
      const d = detail.json();
      assert.deepEqual(d.snapshot, { status: 'offline', response_time_ms: null, error_rate: 12.5, rps: 3 });
      assert.deepEqual(d.notifications, []);
      assert.equal(d.actions.length, 3);
      assert.equal(d.state, 'firing');
    });

    test('validation names the field; an unknown entry is 404', async () => {
      const base = `/api/v1/alerts/history/${entryId}`;
      const past = await api('POST', `${base}/silence`, { until: new Date(Date.now() - 1000).toISOString() });
      assert.equal(past.statusCode, 400);
      assert.deepEqual(fieldsOf(past.body), ['until']);
      const missing = await api('POST', `${base}/silence`, { comment: 'x' });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(fieldsOf(missing.body), ['until']);
      const noText = await api('POST', `${base}/comment`, { text: '  ' });
      assert.equal(noText.statusCode, 400);
      assert.deepEqual(fieldsOf(noText.body), ['text']);
      const badBy = await api('POST', `${base}/ack`, { by: 7 });
      assert.equal(badBy.statusCode, 400);
      assert.deepEqual(fieldsOf(badBy.body), ['by']);
      const unknown = await api('POST', `${base}/ack`, { who: 'x' });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(fieldsOf(unknown.body), ['who']);
      const bodies: Record<string, object> = {
        ack: {},
        comment: { text: 't' },
        silence: { until: new Date(Date.now() + 60_000).toISOString() },
      };
      for (const [a, body] of Object.entries(bodies))
        assert.equal((await api('POST', `/api/v1/alerts/history/999999/${a}`, body)).statusCode, 404, a);
      assert.equal((await api('POST', '/api/v1/alerts/history/999999/ack')).statusCode, 404);
      assert.equal((await api('GET', '/api/v1/alerts/history/999999')).statusCode, 404);
      assert.equal((await api('GET', '/api/v1/alerts/history/abc')).statusCode, 400);
    });

    test('silences: create by rule, server or tag; validation; list; delete', async () => {
      const ends = new Date(Date.now() + 3_600_000).toISOString();
      const none = await api('POST', '/api/v1/alerts/silences', { ends_at: ends });
      assert.equal(none.statusCode, 400);
      assert.deepEqual(fieldsOf(none.body), ['rule_id']);
      const backwards = await api('POST', '/api/v1/alerts/silences', {
        tag: 'prod',
        starts_at: ends,
        ends_at: new Date(Date.now() + 60_000).toISOString(),
      });
      assert.equal(backwards.statusCode, 400);
      assert.deepEqual(fieldsOf(backwards.body), ['ends_at']);
      const noRule = await api('POST', '/api/v1/alerts/silences', { rule_id: 99999, ends_at: ends });
      assert.equal(noRule.statusCode, 400);
      assert.deepEqual(fieldsOf(noRule.body), ['rule_id']);
      const badTime = await api('POST', '/api/v1/alerts/silences', { tag: 'prod', ends_at: 'tomorrow' });
      assert.equal(badTime.statusCode, 400);
      assert.deepEqual(fieldsOf(badTime.body), ['ends_at']);

      const byTag = await api(
        'POST',
        '/api/v1/alerts/silences',
        { tag: 'prod', ends_at: ends, comment: 'maintenance' },
        'carol',
      );
      assert.equal(byTag.statusCode, 201, byTag.body);
      assert.deepEqual(
        { ...byTag.json<object>(), id: 0, starts_at: '', created_at: '' },
        {
          id: 0,
          rule_id: null,
          server_id: null,
          tag: 'prod',
          starts_at: '',
          ends_at: ends,
          comment: 'maintenance',
          by: 'anonymous',
          created_at: '',
          active: true,
        },
      );
      const later = new Date(Date.now() + 86_400_000).toISOString();
      const future = await api('POST', '/api/v1/alerts/silences', {
        rule_id: ruleId,
        server_id: 'web-1',
        starts_at: later,
        ends_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      });
      assert.equal(future.statusCode, 201, future.body);
      assert.equal(future.json().active, false, 'not started yet');
      assert.equal(future.json().by, 'anonymous');
      const list = (await api('GET', '/api/v1/alerts/silences')).json().silences as { id: number }[];
      assert.deepEqual(
        list.map((s) => s.id),
        [future.json().id, byTag.json().id],
        'latest end first',
      );
      assert.equal((await api('DELETE', `/api/v1/alerts/silences/${byTag.json().id}`)).statusCode, 204);
      assert.equal((await api('DELETE', `/api/v1/alerts/silences/${byTag.json().id}`)).statusCode, 404);
      assert.equal((await api('GET', '/api/v1/alerts/silences')).json().silences.length, 1);
    });

    test('a deleted rule keeps its history, with its name', async () => {
      const created = await api('POST', '/api/v1/alerts/rules', {
        name: 'Temporary',
        metric: 'rps',
        condition: 'gt',
        threshold: 1e9,
      });
      const id = created.json().id as number;
      const db = h.monitor.store.db;
      await historyRepo.insertFiring(db, {
        ruleId: id,
        ruleName: 'Temporary',
        serverId: 'web-2',
        triggeredAt: Date.now(),
        value: 2e9,
        severity: 'warning',
        snapshot: { status: 'healthy', response_time_ms: 1, error_rate: 0, rps: 2e9 },
      });
      assert.equal((await api('DELETE', `/api/v1/alerts/rules/${id}`)).statusCode, 204);
      const history = (await api('GET', '/api/v1/alerts/history?server=web-2')).json().history as {
        rule_id: number | null;
        rule_name: string;
      }[];
      assert.deepEqual(
        history.map((e) => [e.rule_id, e.rule_name]),
        [[null, 'Temporary']],
      );
    });
  });
