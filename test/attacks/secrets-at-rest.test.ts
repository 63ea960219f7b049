import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { resealInOneTransaction } from '../../src/secrets/at-rest.js';
import { loadSecretKeys, writeNextKeyFile } from '../../src/shared/secrets/secret-key.js';
import { openStore } from '../../src/store/open-store.js';
import {
  startHeaderRecordingServer,
  type HeaderRecordingServer,
} from '../fixtures/gateway/header-recording-server.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { everyRowAsText, sqliteBytes, sqliteFile, withRawStore } from '../helpers/raw-store.js';
import { cliPath } from '../helpers/cli.js';
import { dropStoreTarget, newStoreTarget, PG_URL, storeKinds, type StoreTarget } from '../helpers/stores.js';

const kinds = await storeKinds();

/** Distinct, greppable secret values. */
const secret = (what: string): string => `${what}-${randomBytes(12).toString('hex')}`;
const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** An SMTP server on loopback that records the passwords it is given. */
async function startSmtp(): Promise<{ port: number; passwords: string[]; close(): Promise<void> }> {
  const passwords: string[] = [];
  const smtp = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      passwords.push(auth.password ?? '');
      cb(null, { user: auth.username });
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => cb());
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const address = smtp.server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, passwords, close: () => new Promise<void>((r) => smtp.close(() => r())) };
}

/** `mcp-health rotate-secret-key` on a test's store (its PostgreSQL schema through the URL). */
function rotate(t: StoreTarget, env: Record<string, string> = {}) {
  const store = t.schema
    ? ['--database-url', `${PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`]
    : [];
  const args = ['--import', 'tsx', cliPath, 'rotate-secret-key', '--data-dir', t.dataDir, ...store];
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

for (const kind of kinds) {
  describe(`secrets at rest (${kind})`, () => {
    let upstream: HeaderRecordingServer;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const targets: StoreTarget[] = [];
    const running: Harness[] = [];
    before(async () => {
      upstream = await startHeaderRecordingServer();
      smtp = await startSmtp();
    });
    after(async () => {
      for (const h of running) await h.stop();
      for (const t of targets) await dropStoreTarget(t);
      await upstream.close();
      await smtp.close();
    });

    const target = (): StoreTarget => {
      const t = newStoreTarget(kind);
      targets.push(t);
      return t;
    };
    const start = async (t: StoreTarget, settings: Record<string, unknown> = {}): Promise<Harness> => {
      const h = await startHarness({ target: t, settings });
      running.push(h);
      return h;
    };
    const inject = async (h: Harness, method: 'GET' | 'POST', url: string, payload?: object) => {
      const r = await h.app.inject({ method, url, ...(payload ? { payload } : {}) });
      assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body}`);
      return r;
    };

    /** A server whose probe sends `Authorization: Bearer <token>`, and an email channel with `password`. */
    const addSecrets = async (h: Harness, token: string, password: string) => {
      await inject(h, 'POST', '/api/v1/servers', {
        name: 'with header',
        transport: 'streamable-http',
        url: upstream.url,
        headers: { Authorization: `Bearer ${token}` },
        health_check_interval: 1,
      });
      const channel = await inject(h, 'POST', '/api/v1/alerts/channels', {
        name: 'mail',
        kind: 'email',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          user: 'ops',
          password,
          from: 'm@h.test',
          to: 'o@h.test',
        },
      });
      return channel.json<{ id: number }>().id;
    };
    /** The monitor still uses both secrets: the probe carries the header, the test email logs in. */
    const assertSecretsUsed = async (h: Harness, token: string, password: string, channelId: number) => {
      const seen = upstream.authorizations.length;
      await waitFor('a probe with the header', () =>
        upstream.authorizations.slice(seen).includes(`Bearer ${token}`),
      );
      const sent = await inject(h, 'POST', `/api/v1/alerts/channels/${channelId}/test`);
      assert.equal(sent.json<{ ok: boolean }>().ok, true, sent.body);
      assert.equal(smtp.passwords.at(-1), password);
    };
    const assertNowhereInStore = async (t: StoreTarget, values: string[]) => {
      const rows = await everyRowAsText(t);
      for (const v of values) assert.ok(!rows.includes(v), `a stored row holds ${v}`);
      if (t.kind === 'sqlite')
        for (const v of values)
          assert.ok(!sqliteBytes(t).includes(v), `the SQLite file or its WAL holds ${v}`);
    };
    const rawSpec = (t: StoreTarget) =>
      withRawStore(t, async (q) =>
        String((await q(`select spec from servers where id = 'with-header'`))[0]?.spec),
      );

    test('header values, secret env values and channel passwords are encrypted; the rest stays readable', async () => {
      const t = target();
      const [token, password, envValue] = [secret('token'), secret('smtp'), secret('env')];
      const settings = {
        servers: [
          {
            name: 'stdio with env',
            transport: 'stdio',
            command: process.execPath,
            args: ['-e', 'setInterval(() => {}, 60000)'],
            env: { API_TOKEN: { value: envValue, secret: true }, REGION: 'eu-west' },
            enabled: false,
          },
        ],
      };
      const h = await start(t, settings);
      const channelId = await addSecrets(h, token, password);
      await assertSecretsUsed(h, token, password, channelId);
      await assertNowhereInStore(t, [token, password, envValue]);

      const spec = JSON.parse(await rawSpec(t));
      assert.equal(spec.url, upstream.url, 'the URL stays readable');
      assert.match(spec.headers.Authorization, /^enc:v1:[0-9a-f]{12}:[A-Za-z0-9+/=]+$/);
      const stdio = await withRawStore(t, (q) => q(`select spec from servers where id = 'stdio-with-env'`));
      const env = JSON.parse(String(stdio[0]?.spec)).env;
      assert.equal(env.REGION.value, 'eu-west', 'a value not marked secret stays readable');
      assert.match(env.API_TOKEN.value, /^enc:v1:/);

      // Answers are redacted as before, and nothing leaked to the log either.
      const view = await inject(h, 'GET', '/api/v1/servers/with-header');
      const channel = await inject(h, 'GET', `/api/v1/alerts/channels/${channelId}`);
      for (const v of [token, password, envValue]) {
        assert.ok(!view.body.includes(v) && !channel.body.includes(v));
        assert.ok(!h.logLines.join('\n').includes(v));
      }
      assert.ok(h.logLines.some((l) => l.includes('secrets in the store are encrypted with this key')));

      // A restart on the same store reads them back.
      await h.stop();
      const again = await start(t, settings);
      await assertSecretsUsed(again, token, password, channelId);
      const stdioSpec = again.monitor.registry.get('stdio-with-env').spec;
      assert.equal(stdioSpec.transport === 'stdio' && stdioSpec.env.API_TOKEN?.value, envValue);
      await again.stop();
    });

    test('a store written with plaintext secrets is encrypted at start, in batches, idempotently', async () => {
      const t = target();
      const [token, password] = [secret('token'), secret('smtp')];
      const h = await start(t);
      const channelId = await addSecrets(h, token, password);
      await h.stop();
      // As the monitor wrote them before encryption: plaintext, plus 1,200 more servers (disabled).
      await withRawStore(t, async (q) => {
        const [row] = await q(`select * from servers where id = 'with-header'`);
        assert.ok(row);
        const spec = { ...JSON.parse(String(row.spec)), headers: { Authorization: `Bearer ${token}` } };
        await q(`update servers set spec = ? where id = ?`, [JSON.stringify(spec), row.id]);
        const [ch] = await q(`select config from notification_channels where id = ?`, [channelId]);
        const config = { ...JSON.parse(String(ch?.config)), password };
        await q(`update notification_channels set config = ? where id = ?`, [
          JSON.stringify(config),
          channelId,
        ]);
        const columns = Object.keys(row);
        const insert = `insert into servers (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`;
        await q('begin');
        for (let i = 0; i < 1200; i++) {
          const copy: Record<string, unknown> = {
            ...row,
            ...{ id: `copy-${i}`, name: `copy ${i}`, spec: JSON.stringify(spec), enabled: 0 },
          };
          await q(
            insert,
            columns.map((c) => copy[c]),
          );
        }
        await q('commit');
      });
      assert.ok((await everyRowAsText(t)).includes(token), 'the plaintext is in the store before the start');

      const migrated = await start(t);
      const line = migrated.logLines.find((l) => l.includes('now encrypted'));
      assert.ok(line, 'the migration is logged');
      const logged = JSON.parse(line);
      assert.deepEqual([logged.values, logged.servers, logged.channels], [1202, 1201, 1]);
      assert.ok(!line.includes(token) && !line.includes(password), 'with counts, never the values');
      await assertSecretsUsed(migrated, token, password, channelId);
      await migrated.stop();
      await assertNowhereInStore(t, [token, password]);

      const sealed = await rawSpec(t);
      const idle = await start(t);
      assert.ok(!idle.logLines.some((l) => l.includes('now encrypted')), 'nothing left to encrypt');
      await idle.stop();
      assert.equal(await rawSpec(t), sealed, 'a second start rewrites nothing');
    });

    test('data_dir is 0700 (tightened when looser), the key file and the SQLite files 0600', async () => {
      const t = target();
      chmodSync(t.dataDir, 0o755);
      const h = await start(t);
      await addSecrets(h, secret('token'), secret('smtp'));
      assert.equal(modeOf(t.dataDir), 0o700);
      assert.equal(modeOf(join(t.dataDir, 'secret.key')), 0o600);
      assert.equal(readFileSync(join(t.dataDir, 'secret.key'), 'utf8').trim().length, 44, '32 bytes, base64');
      if (kind === 'sqlite') {
        const file = sqliteFile(t);
        for (const f of [file, `${file}-wal`, `${file}-shm`]) {
          assert.ok(existsSync(f), f);
          assert.equal(modeOf(f), 0o600, f);
        }
      }
      await h.stop();
      if (kind === 'sqlite') {
        chmodSync(sqliteFile(t), 0o644); // a store from before: tightened at start
        const again = await start(t);
        assert.equal(modeOf(sqliteFile(t)), 0o600);
        await again.stop();
      }
    });

    test('secret_key: a key derived from the setting; another key fails start-up naming both key ids', async () => {
      const t = target();
      const [keyA, keyB, token] = [secret('key-a'), secret('key-b'), secret('token')];
      const h = await start(t, { secret_key: keyA });
      await addSecrets(h, token, secret('smtp'));
      assert.equal(existsSync(join(t.dataDir, 'secret.key')), false, 'no key file when secret_key is set');
      const logged = h.logLines.find((l) => l.includes('encrypted with this key'));
      assert.match(logged ?? '', /"key":"secret_key"/);
      assert.ok(!h.logLines.join('\n').includes(keyA), 'the key is never logged');
      const storedKey = /^enc:v1:([0-9a-f]{12}):/.exec(
        JSON.parse(await rawSpec(t)).headers.Authorization,
      )?.[1];
      await h.stop();

      await assert.rejects(
        start(t, { secret_key: keyB }),
        (err: Error) =>
          err.message.includes(`encrypted with key ${storedKey ?? '?'}`) &&
          /the key in use is [0-9a-f]{12} \(from secret_key\)/.test(err.message),
      );
      // Without the setting, a fresh key file is made, and it does not open them either.
      await assert.rejects(start(t), /encrypted with key .* \(from .*secret\.key\)/);
      const right = await start(t, { secret_key: keyA });
      await right.stop();
    });

    const keyIdIn = async (t: StoreTarget) =>
      /^enc:v1:([0-9a-f]{12}):/.exec(JSON.parse(await rawSpec(t)).headers.Authorization)?.[1];
    const keyFile = (t: StoreTarget) => join(t.dataDir, 'secret.key');

    test('rotate-secret-key re-encrypts every secret with a new key file; the monitor starts with it', async () => {
      const t = target();
      const [token, password] = [secret('token'), secret('smtp')];
      const h = await start(t);
      const channelId = await addSecrets(h, token, password);
      if (kind === 'sqlite') {
        const refused = await rotate(t);
        assert.equal(refused.status, 1, refused.stdout);
        assert.match(
          refused.stderr,
          /mcp-health\.db is open in another process \(a running monitor\?\): stop it first/,
        );
      }
      await h.stop();
      const [oldKey, oldId] = [readFileSync(keyFile(t), 'utf8'), await keyIdIn(t)];

      const r = await rotate(t);
      assert.equal(r.status, 0, r.stderr);
      const done =
        /re-encrypted 2 secret values \(1 of servers, 1 of channels\) with key ([0-9a-f]{12}) \(was ([0-9a-f]{12})\)/.exec(
          r.stdout,
        );
      assert.ok(done, r.stdout);
      assert.equal(done[2], oldId);
      assert.equal(await keyIdIn(t), done[1], 'the store is under the new key');
      assert.notEqual(readFileSync(keyFile(t), 'utf8'), oldKey);
      assert.equal(modeOf(keyFile(t)), 0o600);
      assert.equal(existsSync(join(t.dataDir, 'secret.key.next')), false);
      await assertNowhereInStore(t, [token, password]);

      const rotated = await start(t);
      await assertSecretsUsed(rotated, token, password, channelId);
      await rotated.stop();
    });

    test('with secret_key, rotation takes the new key from MCP_HEALTH_NEW_SECRET_KEY and says what to change', async () => {
      const t = target();
      const [keyA, keyB, token, password] = [
        secret('key-a'),
        secret('key-b'),
        secret('token'),
        secret('smtp'),
      ];
      const h = await start(t, { secret_key: keyA });
      const channelId = await addSecrets(h, token, password);
      await h.stop();
      const missing = await rotate(t, { MCP_HEALTH_SECRET_KEY: keyA });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /give the new key in MCP_HEALTH_NEW_SECRET_KEY/);

      const r = await rotate(t, { MCP_HEALTH_SECRET_KEY: keyA, MCP_HEALTH_NEW_SECRET_KEY: keyB });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /re-encrypted 2 secret values/);
      assert.match(
        r.stdout,
        /now set secret_key \(MCP_HEALTH_SECRET_KEY\) to the value of MCP_HEALTH_NEW_SECRET_KEY/,
      );
      assert.ok(!(r.stdout + r.stderr).includes(keyA) && !(r.stdout + r.stderr).includes(keyB));
      await assert.rejects(start(t, { secret_key: keyA }), /encrypted with key/);
      const rotated = await start(t, { secret_key: keyB });
      await assertSecretsUsed(rotated, token, password, channelId);
      await rotated.stop();
    });

    test('a rotation interrupted before or after its commit loses nothing: the next start finishes it', async () => {
      const t = target();
      const [token, password] = [secret('token'), secret('smtp')];
      const h = await start(t);
      const channelId = await addSecrets(h, token, password);
      await h.stop();

      // Crash after secret.key.next was written, before the transaction.
      const next = writeNextKeyFile(t.dataDir);
      const first = await start(t);
      assert.ok(first.logLines.some((l) => l.includes('an interrupted key rotation is finished')));
      await assertSecretsUsed(first, token, password, channelId);
      await first.stop();
      assert.equal(await keyIdIn(t), next.id);
      assert.equal(existsSync(join(t.dataDir, 'secret.key.next')), false);

      // Crash after the transaction committed, before the rename.
      const after = writeNextKeyFile(t.dataDir);
      const store = await openStore(t);
      await resealInOneTransaction(store, loadSecretKeys({ data_dir: t.dataDir }).box);
      await store.close();
      assert.equal(await keyIdIn(t), after.id);
      const second = await start(t);
      await assertSecretsUsed(second, token, password, channelId);
      await second.stop();
      assert.equal(existsSync(join(t.dataDir, 'secret.key.next')), false);
      assert.equal(loadSecretKeys({ data_dir: t.dataDir }).box.current.id, after.id);
    });
  });
}
