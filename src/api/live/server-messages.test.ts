import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverView } from '../server-view.js';
import { initialState, type ServerRecord } from '../../model/server.js';
import { serverMessages } from './server-messages.js';

const record = (i: number): ServerRecord => ({
  id: `s${i}`,
  name: `s${i}`,
  spec: { transport: 'streamable-http', url: `http://127.0.0.1:9/${i}`, headers: {} },
  tags: [],
  overrides: {},
  source: 'api',
  enabled: true,
  disabledUntil: null,
  disabledReason: null,
  state: { ...initialState(), statusReason: 'x'.repeat(1000) },
  createdAt: 0,
  updatedAt: 0,
});

test('views split into messages under the size, the first a snapshot, each text its JSON', () => {
  const views = Array.from({ length: 50 }, (_, i) => serverView(record(i)));
  const out = serverMessages(views, 'snapshot', 10_000);
  assert.ok(out.length > 4);
  assert.deepEqual(
    out.map((m) => m.msg.type),
    ['snapshot', ...Array<string>(out.length - 1).fill('servers')],
  );
  for (const m of out) {
    assert.equal(m.text, JSON.stringify(m.msg));
    assert.ok(m.text.length <= 10_000 + 100);
  }
  assert.deepEqual(
    out.flatMap((m) => (m.msg.type === 'snapshot' || m.msg.type === 'servers' ? m.msg.servers : [])),
    views,
  );
  assert.deepEqual(
    serverMessages([], 'snapshot').map((m) => m.text),
    ['{"type":"snapshot","servers":[]}'],
  );
});
