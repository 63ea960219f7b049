import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startHarness, waitFor } from './helpers/harness.js';

test('the dashboard channel pushes a notification to every live client', async () => {
  const h = await startHarness({ listen: true });
  try {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`);
    const messages: { type: string; notification?: { title: string } }[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString())));
    await waitFor('snapshot', () => messages.some((m) => m.type === 'snapshot'));
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      payload: { name: 'in the dashboard', kind: 'dashboard', config: {} },
    });
    assert.equal(created.statusCode, 201, created.body);
    const sent = await h.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/channels/${created.json().id}/test`,
    });
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().ok, true, sent.body);
    const pushed = await waitFor('the notification', () => messages.find((m) => m.type === 'notification'));
    assert.ok(pushed.notification?.title);
    ws.close();
  } finally {
    await h.destroy();
  }
});
