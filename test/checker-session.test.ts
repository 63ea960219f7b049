/**
 * openSession() against real servers: server-everything (stdio, Streamable HTTP, SSE), v2-SDK
 * fixtures (modern and legacy era), and misbehaving HTTP/stdio servers. No mocks.
 * Run: node --import tsx --test test/checker-session.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSession } from '../src/mcp/open-session.js';
import type { LogLine } from '../src/model/probe.js';
import { LogRing } from '../src/mcp/session/log-ring.js';
import * as faults from './fixtures/fault-servers/http-faults.js';
import * as stdioFaults from './fixtures/fault-servers/stdio-faults.js';
import { startEverything } from './fixtures/sdk-servers/everything.js';
import { startLegacyHttpServer } from './fixtures/sdk-servers/legacy-http-server.js';
import { startModernServer } from './fixtures/sdk-servers/modern-http-server.js';
import {
  assertEverythingLegacy,
  assertFailure,
  assertOk,
  assertSuccess,
  everythingStdio,
  isAlive,
  legacyStdio,
  modernStdio,
  waitFor,
  withSession,
} from './fixtures/sdk-servers/session-assertions.js';

const BUDGET = 5000;
const escaped: unknown[] = [];
process.on('unhandledRejection', (reason) => escaped.push(reason));
process.on('uncaughtException', (error) => escaped.push(error));
const logged = (session: { recentLogs(): LogLine[] }, pattern: RegExp): boolean =>
  session.recentLogs().some((l) => pattern.test(l.line));

test('server-everything over stdio: legacy ping session, stderr captured, close stops the child', async () => {
  const lines: LogLine[] = [];
  const session = openSession(everythingStdio, { onLog: (line) => lines.push(line) });
  let pid: number | undefined;
  await withSession(session, async (s) => {
    const first = await s.check(BUDGET);
    assertEverythingLegacy(first);
    assert.ok(first.connected && (first.connectMs ?? -1) >= 0, 'the first check opened the session');
    assertSuccess(await s.check(BUDGET), { connected: false, connectMs: undefined });
    await waitFor('stderr banner', () =>
      s.recentLogs().some((l) => l.stream === 'stderr' && /STDIO/.test(l.line)),
    );
    assert.ok(s.recentLogs().some((l) => l.stream === 'supervisor' && /^started pid \d+$/.test(l.line)));
    assert.deepEqual(lines, s.recentLogs(), 'onLog sees every ring line');
    pid = s.pid();
  });
  assert.ok(pid !== undefined);
  assert.equal(session.pid(), undefined);
  assert.equal(isAlive(pid), false, 'close() leaves no child process');
  assertFailure(await session.check(BUDGET), 'unknown', 'session closed');
});

test('stdio child killed: failure with the exit reason while waiting, then restarted and ok', () =>
  withSession(openSession(everythingStdio), async (session) => {
    assertSuccess(await session.check(BUDGET), { connected: true });
    const firstPid = session.pid();
    assert.ok(firstPid !== undefined);
    process.kill(firstPid, 'SIGKILL');
    await waitFor('restart scheduled', () => logged(session, /^restarting in 1 s$/));
    assertFailure(await session.check(BUDGET), 'process_exited', 'process killed by SIGKILL');
    await waitFor('a new child', () => session.pid() !== undefined && session.pid() !== firstPid);
    const after = await session.check(BUDGET);
    assertEverythingLegacy(after);
    assert.equal(after.connected, true, 'a fresh session on the new child');
  }));

test('legacy stdio server that exits on the server/discover probe is retried with initialize', () =>
  withSession(openSession(legacyStdio), async (session) => {
    const expected = {
      era: 'legacy',
      method: 'ping',
      serverName: 'fixture-legacy-stdio',
      toolCount: 1,
    } as const;
    assertSuccess(await session.check(BUDGET), { ...expected, connected: true });
    assert.ok(logged(session, /during the server\/discover probe; retrying/));
    assertSuccess(await session.check(BUDGET), { ...expected, connected: false });
  }));

const modernExpected = {
  era: 'modern',
  method: 'server/discover',
  protocolVersion: '2026-07-28',
  toolCount: 2,
} as const;

test('modern v2 stdio server: server/discover in place over the custom stdio transport', () =>
  withSession(openSession(modernStdio()), async (session) => {
    assertSuccess(await session.check(BUDGET), { ...modernExpected, serverName: 'fixture-modern-stdio' });
    assertSuccess(await session.check(BUDGET), { ...modernExpected, connected: false });
  }));

test('slow-starting stdio server: the connect outlives a timed-out check and a later check uses it', () =>
  withSession(openSession(modernStdio(1500)), async (session) => {
    assertFailure(await session.check(300), 'timeout', 'timed out after 300 ms');
    const startedPid = session.pid();
    await waitFor('the handshake', () => logged(session, /^connected to/));
    const later = await session.check(BUDGET);
    assertSuccess(later, { ...modernExpected, connected: true });
    assert.ok((later.connectMs ?? 0) >= 1000, 'connectMs covers the slow start');
    assert.equal(session.pid(), startedPid, 'the slow child was not restarted');
  }));

for (const transport of ['streamable-http', 'sse'] as const) {
  const mode = transport === 'sse' ? 'sse' : 'streamableHttp';

  test(`server-everything over ${transport}: legacy era, server info, tools`, async () => {
    const server = await startEverything(mode);
    const session = openSession({ transport, url: server.url, headers: { 'x-probe': 'mcp-health' } });
    await withSession(
      session,
      async (s) => {
        assertEverythingLegacy(await s.check(BUDGET));
        assertSuccess(await s.check(BUDGET), { connected: false });
        assert.equal(s.pid(), undefined);
      },
      [server],
    );
  });

  test(`session lost (${transport}): server-everything restarted on the same port, reconnected in one check`, async () => {
    const first = await startEverything(mode);
    const servers = [first];
    await withSession(
      openSession({ transport, url: first.url, headers: {} }),
      async (session) => {
        assertOk(await session.check(BUDGET));
        await first.close();
        servers.push(await startEverything(mode, first.port));
        const after = await session.check(BUDGET);
        assertEverythingLegacy(after);
        assert.equal(after.connected, true, 'a fresh initialize happened');
        assert.equal(session.recentLogs().filter((l) => l.line.startsWith('connected to')).length, 2);
        assertSuccess(await session.check(BUDGET), { connected: false });
      },
      servers,
    );
  });

  for (const [name, start, kind, reason] of faults.httpFaultCases) {
    test(`${transport} server that ${name} → ${kind}, and the session stays usable`, async () => {
      const server = await start();
      await withSession(
        openSession({ transport, url: server.url, headers: {} }),
        async (session) => {
          assertFailure(await session.check(400), kind, reason);
          assertFailure(await session.check(400), kind, reason);
        },
        [server],
      );
    });
  }

  test(`${transport}: nothing listening → connection refused with the address`, async () => {
    const { url, port } = await faults.unusedPortUrl();
    await withSession(openSession({ transport, url, headers: {} }), async (session) => {
      assertFailure(
        await session.check(BUDGET),
        'connection_refused',
        `connection refused (127.0.0.1:${port})`,
      );
      assertFailure(
        await session.check(BUDGET),
        'connection_refused',
        `connection refused (127.0.0.1:${port})`,
      );
    });
  });
}

test('session lost: HTTP 404 for an unknown session id triggers a fresh initialize', async () => {
  const server = await startLegacyHttpServer();
  await withSession(
    openSession({ transport: 'streamable-http', url: server.url, headers: {} }),
    async (session) => {
      assertSuccess(await session.check(BUDGET), { era: 'legacy', toolCount: 2, connected: true });
      server.forgetSessions();
      assertSuccess(await session.check(BUDGET), { era: 'legacy', connected: true });
      assert.ok(logged(session, /^session lost \(HTTP 404/));
    },
    [server],
  );
});

test('modern v2 HTTP server: server/discover on 2026-07-28; a slow answer times out, the session survives', async () => {
  const server = await startModernServer({ name: 'modern-fixture' });
  await withSession(
    openSession({ transport: 'streamable-http', url: server.url, headers: {} }),
    async (session) => {
      assertSuccess(await session.check(BUDGET), {
        ...modernExpected,
        serverName: 'modern-fixture',
        connected: true,
      });
      server.setLatency(1500);
      const slow = await session.check(300);
      assertFailure(slow, 'timeout', 'timed out after 300 ms');
      assert.ok(!slow.ok && slow.elapsedMs < 1500, 'returned within the budget (generous bound)');
      server.setLatency(0);
      assertSuccess(await session.check(BUDGET), { ...modernExpected, connected: false });
    },
    [server],
  );
});

test('HTTP 500: the body is quoted in the reason (streamable HTTP)', async () => {
  const server = await faults.startErrorServer();
  const session = openSession({ transport: 'streamable-http', url: server.url, headers: {} });
  await withSession(
    session,
    async (s) =>
      assertFailure(
        await s.check(BUDGET),
        'http_error',
        'HTTP 500: Internal Server Error — database is on fire',
      ),
    [server],
  );
});

test('stdio command that exits at once → process exited, 1 s / 2 s / 4 s backoff, no timers after close', async () => {
  const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timeouts();
  const session = openSession(stdioFaults.exitAtOnce);
  await withSession(session, async (s) => {
    assertFailure(await s.check(BUDGET), 'process_exited', 'process exited with code 1');
    assertFailure(await s.check(BUDGET), 'process_exited', 'process exited with code 1');
    await waitFor('the third restart', () => logged(s, /^restarting in 4 s$/));
    const logs = s.recentLogs().map((l) => l.line);
    assert.ok(logs.some((l) => /^pid \d+ exited with code 1$/.test(l)));
    const restarts = logs.filter((l) => l.startsWith('restarting in'));
    assert.deepEqual(restarts, ['restarting in 1 s', 'restarting in 2 s', 'restarting in 4 s']);
  });
  assert.equal(session.pid(), undefined);
  assert.ok(timeouts() <= before, 'close() cancels the restart timer');
});

test('stdio command that does not exist → spawn failed', () =>
  withSession(openSession(stdioFaults.missingCommand), async (session) => {
    const reason = 'command not found: mcp-health-no-such-command';
    assertFailure(await session.check(BUDGET), 'spawn_failed', reason);
    assertFailure(await session.check(BUDGET), 'spawn_failed', reason);
  }));

test('stdio server that writes garbage → protocol error, reported at the deadline', () =>
  withSession(openSession(stdioFaults.garbageWriter), async (session) => {
    const result = await session.check(1200);
    const reason = /^invalid JSON-RPC from server: unparseable line on stdout: "hello, I am not JSON-RPC"$/;
    assertFailure(result, 'protocol_error', reason);
    assert.ok(!result.ok && result.elapsedMs < 4000);
  }));

test('close() escalates to SIGKILL when the child ignores SIGTERM', async () => {
  const session = openSession(stdioFaults.ignoresSigterm);
  let pid: number | undefined;
  await withSession(session, async (s) => {
    assertFailure(await s.check(300), 'timeout', 'timed out after 300 ms');
    pid = s.pid();
  });
  assert.ok(pid !== undefined);
  assert.equal(isAlive(pid), false);
  assert.ok(logged(session, /sending SIGKILL/));
  assert.ok(logged(session, new RegExp(`^pid ${pid} killed by SIGKILL$`)));
});

test('close() during an in-flight check ends it at once', async () => {
  const server = await faults.startHangingServer();
  const session = openSession({ transport: 'streamable-http', url: server.url, headers: {} });
  const pending = session.check(20_000);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await session.close();
  await server.close();
  const result = await pending;
  assertFailure(result, 'unknown', 'session closed');
  assert.ok(!result.ok && result.elapsedMs < 10_000);
});

test('the log ring keeps the last 500 lines', () => {
  const ring = new LogRing(undefined);
  for (let i = 0; i < 600; i++) ring.push('stderr', `line ${i}`);
  const lines = ring.recent();
  assert.equal(lines.length, 500);
  assert.equal(lines[0]?.line, 'line 100');
  assert.equal(lines.at(-1)?.line, 'line 599');
});

test('nothing escaped as an unhandled rejection or uncaught exception', () => {
  assert.deepEqual(escaped, []);
});
