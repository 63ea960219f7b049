import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendVia, LoopGuard } from './loop-guard.js';

test('a Via naming this monitor is a loop, with the server it left for; another monitor is not', () => {
  const guard = new LoopGuard('abc123');
  const other = new LoopGuard('def456');
  const via = appendVia('1.1 proxy.example', guard.entryFor('files'));
  assert.equal(via, '1.1 proxy.example, 1.1 mcp-health-abc123 (server files)');
  assert.deepEqual(guard.loopOf(via), { serverId: 'files' });
  assert.deepEqual(guard.loopOf(['1.0 a', '1.1 mcp-health-abc123']), { serverId: undefined });
  assert.equal(other.loopOf(via), undefined);
  assert.equal(guard.loopOf('1.1 mcp-health-abc1234 (server x)'), undefined);
  assert.equal(guard.loopOf(undefined), undefined);
  assert.equal(
    LoopGuard.message({ serverId: 'files' }, 'files'),
    "this request already passed through this monitor: server files's URL points back at the monitor's own gateway (/mcp/files)",
  );
});

test('each monitor has its own instance id', () => {
  assert.notEqual(new LoopGuard().pseudonym, new LoopGuard().pseudonym);
});
