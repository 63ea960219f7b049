/**
 * Users, their sessions and their API tokens (DESIGN §12), and the audit log they feed. Every
 * change is written to the audit log here, with its before and after where there is one.
 */
import type { Logger } from 'pino';
import { atLeast, lowerOf, roles, type Role } from '../model/role.js';
import { AppError, notFound, validationError } from '../shared/errors.js';
import { auditRepo, type AuditRow } from '../store/events-repo.js';
import type { Db } from '../store/tables.js';
import { LoginLimiter } from './login-limiter.js';
import {
  decoyHash,
  hashPassword,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  verifyPassword,
} from './passwords.js';
import type { Principal } from './principal.js';
import { csrfOf, hashSecret, newSecret, TOKEN_PREFIX } from './secrets.js';
import { usersRepo, type TokenRow, type UserRow } from './users-repo.js';

export interface UserView {
  id: number;
  name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  user: string;
  servers: string[] | null;
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface UsersOptions {
  db: Db;
  log: Logger;
  sessionLifetimeMs: number;
  sessionIdleMs: number;
  /** Redacts secrets from what the audit log keeps. */
  redact: (value: unknown) => unknown;
  limiter?: LoginLimiter;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const asRole = (r: string): Role => ((roles as readonly string[]).includes(r) ? (r as Role) : 'viewer');
/** last_seen_at / last_used_at are written at most this often, not at every request. */
const TOUCH_EVERY_MS = 60_000;

const userView = (u: UserRow): UserView => ({
  id: u.id,
  name: u.name,
  role: asRole(u.role),
  created_at: new Date(u.created_at).toISOString(),
  updated_at: new Date(u.updated_at).toISOString(),
});

const tokenView = (t: TokenRow): TokenView => ({
  id: t.id,
  name: t.name,
  role: asRole(t.role),
  user: t.user_name,
  servers: t.servers,
  expires_at: iso(t.expires_at),
  created_at: new Date(t.created_at).toISOString(),
  last_used_at: iso(t.last_used_at),
});

export function checkPassword(password: string, field = 'body.password'): void {
  if (password.length < MIN_PASSWORD_CHARS)
    throw validationError([{ field, message: `must be at least ${MIN_PASSWORD_CHARS} characters` }]);
  if (password.length > MAX_PASSWORD_CHARS)
    throw validationError([{ field, message: `must be at most ${MAX_PASSWORD_CHARS} characters` }]);
}

export class UsersService {
  private readonly db: Db;
  private readonly limiter: LoginLimiter;
  /** Once a user exists the API asks everyone to sign in; until then it is re-read now and then. */
  private usersExist = false;
  private usersCheckedAt = 0;

  constructor(private readonly options: UsersOptions) {
    this.db = options.db;
    this.limiter = options.limiter ?? new LoginLimiter();
  }

  /** Whether any user exists (cached once true; re-read at most every 2 s while false). */
  async anyUsers(): Promise<boolean> {
    if (this.usersExist || Date.now() - this.usersCheckedAt < 2000) return this.usersExist;
    this.usersCheckedAt = Date.now();
    this.usersExist = (await usersRepo.count(this.db)) > 0;
    return this.usersExist;
  }

  async audit(actor: string, action: string, target: string | null, details?: unknown): Promise<void> {
    await auditRepo.insert(this.db, {
      actor,
      action,
      target,
      ...(details === undefined ? {} : { details: this.options.redact(details) }),
    });
  }

  readAudit(q: {
    from: number;
    to: number;
    actor?: string;
    target?: string;
    limit: number;
  }): Promise<AuditRow[]> {
    return auditRepo.list(this.db, q);
  }

  // --- users ---

  async list(): Promise<UserView[]> {
    return (await usersRepo.list(this.db)).map(userView);
  }

  async get(id: number): Promise<UserView> {
    return userView(await this.row(id));
  }

  async add(input: { name: string; role: Role; password: string }, actor: string): Promise<UserView> {
    checkPassword(input.password);
    if (await usersRepo.byName(this.db, input.name))
      throw new AppError('conflict', `a user named "${input.name}" already exists`, { field: 'name' });
    const now = Date.now();
    const id = await usersRepo.insert(this.db, {
      name: input.name,
      role: input.role,
      password_hash: await hashPassword(input.password),
      created_at: now,
      updated_at: now,
    });
    this.usersExist = true;
    const user = await this.get(id);
    await this.audit(actor, 'user.create', `user:${user.name}`, {
      after: { name: user.name, role: user.role },
    });
    return user;
  }

  async update(
    id: number,
    patch: { role?: Role | undefined; password?: string | undefined },
    actor: string,
  ): Promise<UserView> {
    const before = await this.row(id);
    if (patch.password !== undefined) checkPassword(patch.password);
    if (patch.role !== undefined && before.role === 'admin' && patch.role !== 'admin')
      await this.keepAnAdmin();
    await usersRepo.update(this.db, id, {
      ...(patch.role === undefined ? {} : { role: patch.role }),
      ...(patch.password === undefined ? {} : { password_hash: await hashPassword(patch.password) }),
    });
    // A new password or a lower role ends the user's sessions (tokens keep their own, lower, role).
    if (
      patch.password !== undefined ||
      (patch.role !== undefined && !atLeast(patch.role, asRole(before.role)))
    )
      await usersRepo.deleteSessionsOf(this.db, id);
    const after = await this.get(id);
    await this.audit(actor, 'user.update', `user:${after.name}`, {
      before: { role: before.role },
      after: { role: after.role, ...(patch.password === undefined ? {} : { password: 'changed' }) },
    });
    return after;
  }

  async remove(id: number, actor: string): Promise<void> {
    const user = await this.row(id);
    if (user.role === 'admin') await this.keepAnAdmin();
    await usersRepo.remove(this.db, id);
    await this.audit(actor, 'user.delete', `user:${user.name}`, {
      before: { name: user.name, role: user.role },
    });
  }

  async byName(name: string): Promise<UserView | undefined> {
    const u = await usersRepo.byName(this.db, name);
    return u === undefined ? undefined : userView(u);
  }

  private async row(id: number): Promise<UserRow> {
    const u = await usersRepo.byId(this.db, id);
    if (u === undefined) throw notFound('user', String(id));
    return u;
  }

  private async keepAnAdmin(): Promise<void> {
    if ((await usersRepo.count(this.db, 'admin')) <= 1)
      throw new AppError('conflict', 'this is the last admin: make another user admin first');
  }

  // --- sessions ---

  /**
   * A sign-in: the session's secret (for the cookie) and who it is. Wrong name or password: 401,
   * audited; too many failures for this name or address: 429 with how long to wait.
   */
  async login(
    name: string,
    password: string,
    client: string,
  ): Promise<{ secret: string; principal: Principal }> {
    const keys = [`user:${name.toLowerCase()}`, `client:${client}`];
    const wait = this.limiter.waitMs(keys);
    if (wait > 0) {
      await this.audit(name.slice(0, 100), 'login.refused', `user:${name.slice(0, 100)}`, {
        client,
        retry_after_ms: wait,
      });
      throw new AppError(
        'too_many_requests',
        `too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} s`,
        {
          retry_after_s: Math.ceil(wait / 1000),
        },
      );
    }
    const user = await usersRepo.byName(this.db, name);
    const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash));
    if (!ok || user === undefined) {
      this.limiter.failed(keys);
      await this.audit(name.slice(0, 100), 'login.failed', `user:${name.slice(0, 100)}`, { client });
      this.options.log.warn({ user: name.slice(0, 100), client }, 'sign-in failed');
      throw new AppError('unauthorised', 'wrong user name or password');
    }
    this.limiter.succeeded(keys[0] ?? '');
    const secret = newSecret();
    await usersRepo.deleteStaleSessions(this.db, Date.now(), this.options.sessionIdleMs);
    await usersRepo.insertSession(this.db, {
      secret_hash: hashSecret(secret),
      user_id: user.id,
      expires_at: Date.now() + this.options.sessionLifetimeMs,
    });
    return { secret, principal: this.sessionPrincipal(user.id, user.name, user.role, secret) };
  }

  async session(secret: string): Promise<Principal | undefined> {
    const hash = hashSecret(secret);
    const s = await usersRepo.session(this.db, hash);
    const now = Date.now();
    if (s === undefined) return undefined;
    if (s.expires_at <= now || now - s.last_seen_at > this.options.sessionIdleMs) {
      await usersRepo.deleteSession(this.db, hash);
      return undefined;
    }
    if (now - s.last_seen_at > TOUCH_EVERY_MS) await usersRepo.touchSession(this.db, hash, now);
    return this.sessionPrincipal(s.user_id, s.name, s.role, secret);
  }

  async logout(secret: string): Promise<void> {
    await usersRepo.deleteSession(this.db, hashSecret(secret));
  }

  private sessionPrincipal(userId: number, name: string, role: string, secret: string): Principal {
    return { kind: 'session', name, userId, role: asRole(role), servers: null, csrf: csrfOf(secret) };
  }

  // --- API tokens ---

  async tokens(by: Principal, all: boolean): Promise<TokenView[]> {
    const mine = all && atLeast(by.role, 'admin') ? undefined : (by.userId ?? -1);
    return (await usersRepo.tokens(this.db, mine)).map(tokenView);
  }

  /**
   * A new token for `by` (or, for an admin, for `user`): its role no higher than its owner's, nor
   * than the creator's. The secret is in the answer only.
   */
  async createToken(
    by: Principal,
    input: {
      name: string;
      role?: Role | undefined;
      user?: string | undefined;
      servers?: string[] | undefined;
      expires_at?: number | undefined;
    },
  ): Promise<TokenView & { token: string }> {
    const ownerName = input.user ?? (by.userId === null ? undefined : by.name);
    if (ownerName === undefined)
      throw validationError([
        {
          field: 'body.user',
          message: 'required: the api_token belongs to no user; name the user the token is for',
        },
      ]);
    if (ownerName !== by.name && !atLeast(by.role, 'admin'))
      throw new AppError('forbidden', 'only an admin may make a token for another user');
    const owner = await usersRepo.byName(this.db, ownerName);
    if (owner === undefined) throw notFound('user', ownerName);
    const ceiling = lowerOf(asRole(owner.role), by.role);
    const role = input.role ?? ceiling;
    if (!atLeast(ceiling, role))
      throw validationError([
        { field: 'body.role', message: `may be at most ${ceiling} (the owner's role)` },
      ]);
    if (input.expires_at !== undefined && input.expires_at <= Date.now())
      throw validationError([{ field: 'body.expires_at', message: 'must be in the future' }]);
    const secret = newSecret(TOKEN_PREFIX);
    const id = await usersRepo.insertToken(this.db, {
      user_id: owner.id,
      name: input.name,
      role,
      secret_hash: hashSecret(secret),
      servers: input.servers ?? null,
      expires_at: input.expires_at ?? null,
    });
    const token = await usersRepo.token(this.db, id);
    if (token === undefined) throw notFound('token', String(id));
    const view = tokenView(token);
    await this.audit(by.name, 'token.create', `token:${id}`, { after: view });
    return { ...view, token: secret };
  }

  async revokeToken(by: Principal, id: number): Promise<void> {
    const token = await usersRepo.token(this.db, id);
    // Another user's token is "not found" to a non-admin: its existence is not theirs to learn.
    if (token === undefined || (token.user_id !== by.userId && !atLeast(by.role, 'admin')))
      throw notFound('token', String(id));
    await usersRepo.deleteToken(this.db, id);
    await this.audit(by.name, 'token.delete', `token:${id}`, { before: tokenView(token) });
  }

  /** Who a token is, or undefined when it is unknown or expired. Its role is never above its owner's now. */
  async byToken(secret: string): Promise<Principal | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const t = await usersRepo.tokenBySecret(this.db, hashSecret(secret));
    const now = Date.now();
    if (t === undefined || (t.expires_at !== null && t.expires_at <= now)) return undefined;
    if (t.last_used_at === null || now - t.last_used_at > TOUCH_EVERY_MS)
      await usersRepo.touchToken(this.db, t.id, now);
    return {
      kind: 'token',
      name: t.user_name,
      userId: t.user_id,
      role: lowerOf(asRole(t.role), asRole(t.user_role)),
      servers: t.servers,
      tokenId: t.id,
    };
  }
}
