/**
 * `mcp-health users add|list|remove|set-password`: the first admin (and any user) from the
 * command line, on the store of the config. A password is asked for on a terminal (twice, not
 * echoed) or read from stdin (`echo "$PW" | mcp-health users add alice --role admin`).
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Config } from '../config/schema.js';
import { createLogger } from '../log.js';
import { roles, type Role } from '../model/role.js';
import { AppError } from '../shared/errors.js';
import { ensurePrivateDir } from '../shared/private-files.js';
import { openStore } from '../store/open-store.js';
import { checkPassword, MIN_PASSWORD_CHARS, UsersService } from '../users/index.js';

const ACTOR = 'cli';

export interface UsersIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  out: NodeJS.WritableStream;
}

const defaultIo: UsersIo = { stdin: process.stdin, out: process.stdout };

async function withUsers<T>(config: Config, fn: (users: UsersService) => Promise<T>): Promise<T> {
  const log = createLogger(config.log_level, pino.destination({ dest: 2, sync: true }));
  ensurePrivateDir(config.data_dir);
  const store = await openStore({ databaseUrl: config.database_url, dataDir: config.data_dir });
  try {
    const users = new UsersService({
      db: store.db,
      log,
      sessionLifetimeMs: config.session_lifetime_hours * 3_600_000,
      sessionIdleMs: config.session_idle_minutes * 60_000,
      redact: (v) => v,
    });
    return await fn(users);
  } finally {
    await store.close();
  }
}

/** Asks on a terminal without echo, twice; else reads stdin to its end (one trailing newline dropped). */
export async function readPassword(io: UsersIo): Promise<string> {
  if (io.stdin.isTTY !== true) {
    let text = '';
    for await (const chunk of io.stdin) text += String(chunk);
    return text.replace(/\r?\n$/, '');
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      let muted = false;
      const output = new Writable({
        write(chunk: Buffer, _enc, done) {
          if (!muted) io.out.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input: io.stdin, output, terminal: true });
      rl.question(prompt, (answer) => {
        rl.close();
        io.out.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  const first = await ask(`password (at least ${MIN_PASSWORD_CHARS} characters): `);
  const again = await ask('again: ');
  if (first !== again) throw new AppError('validation_failed', 'the two passwords differ');
  return first;
}

function roleOf(text: string): Role {
  if (!(roles as readonly string[]).includes(text))
    throw new AppError('validation_failed', `--role must be one of ${roles.join(', ')}`);
  return text as Role;
}

export async function usersAdd(config: Config, name: string, role: string, io = defaultIo): Promise<void> {
  const r = roleOf(role);
  const password = await readPassword(io);
  checkPassword(password, 'password');
  const user = await withUsers(config, (users) => users.add({ name, role: r, password }, ACTOR));
  io.out.write(`mcp-health: added ${user.name} (${user.role})\n`);
}

export async function usersList(config: Config, io = defaultIo): Promise<void> {
  const list = await withUsers(config, (users) => users.list());
  if (list.length === 0)
    io.out.write('mcp-health: no users yet (mcp-health users add <name> --role admin)\n');
  for (const u of list) io.out.write(`${u.name}\t${u.role}\tsince ${u.created_at}\n`);
}

export async function usersRemove(config: Config, name: string, io = defaultIo): Promise<void> {
  await withUsers(config, async (users) => {
    const user = await users.byName(name);
    if (user === undefined) throw new AppError('not_found', `no user named "${name}"`);
    await users.remove(user.id, ACTOR);
  });
  io.out.write(`mcp-health: removed ${name}\n`);
}

export async function usersSetPassword(config: Config, name: string, io = defaultIo): Promise<void> {
  const password = await readPassword(io);
  checkPassword(password, 'password');
  await withUsers(config, async (users) => {
    const user = await users.byName(name);
    if (user === undefined) throw new AppError('not_found', `no user named "${name}"`);
    await users.update(user.id, { password }, ACTOR);
  });
  io.out.write(`mcp-health: new password set for ${name}; their sessions ended\n`);
}
