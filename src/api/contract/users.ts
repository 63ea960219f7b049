/** Users, sign-in, API tokens and the audit log (DESIGN §12). */
import { z } from 'zod';
import { roles } from '../../model/role.js';
import { isoTime, isoTimeInput, queryTime } from './common.js';

export const role = z
  .enum(roles)
  .describe(
    'viewer reads; operator also changes and acts; admin also manages users, tokens of others and stdio servers',
  );

const userName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only');
/** Bounded here; the least length (12) is checked by the users part, which says why. */
const password = z.string().min(1).max(1024);

export const userView = z.object({
  id: z.number().int(),
  name: z.string(),
  role,
  created_at: isoTime,
  updated_at: isoTime,
});
export type UserView = z.infer<typeof userView>;
export const userList = z.object({ users: z.array(userView) });
export type UserList = z.infer<typeof userList>;

/** POST /api/v1/users. */
export const userInput = z.object({ name: userName, role, password }).strict();
export type UserInput = z.input<typeof userInput>;
/** PATCH /api/v1/users/:id: a new role, a new password, or both. */
export const userPatch = z.object({ role: role.optional(), password: password.optional() }).strict();
export type UserPatch = z.input<typeof userPatch>;

/** POST /api/v1/auth/login. */
export const loginInput = z.object({ username: z.string().min(1).max(100), password }).strict();
export type LoginInput = z.input<typeof loginInput>;

/** GET /api/v1/auth/me: who is calling; `csrf_token` (a signed-in browser's) goes in `x-csrf-token` on changes. */
export const meView = z.object({
  user: z.string().describe('the user, "api-token", or "anonymous" when the monitor has no authentication'),
  role,
  kind: z.enum(['none', 'api_token', 'session', 'token', 'proxy']),
  csrf_token: z.string().nullable(),
});
export type MeView = z.infer<typeof meView>;

export const tokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  role,
  user: z.string().describe('whose token it is'),
  servers: z
    .array(z.string())
    .nullable()
    .describe('a gateway token: the servers it may reach at /mcp/<server>; null for an API token'),
  expires_at: isoTime.nullable(),
  created_at: isoTime,
  last_used_at: isoTime.nullable(),
});
export type TokenView = z.infer<typeof tokenView>;
export const tokenList = z.object({ tokens: z.array(tokenView) });
export type TokenList = z.infer<typeof tokenList>;
/** The answer to POST: the token's secret, shown this once. */
export const tokenCreated = tokenView.extend({ token: z.string().describe('the secret: shown only now') });
export type TokenCreated = z.infer<typeof tokenCreated>;

/** POST /api/v1/tokens. */
export const tokenInput = z
  .object({
    name: z.string().min(1).max(100),
    role: role.optional().describe("default: the owner's role"),
    user: userName.optional().describe('admins: whose token (default: yours)'),
    servers: z
      .array(z.string().min(1).max(255))
      .min(1)
      .max(1000)
      .optional()
      .describe('scope it to the gateway of these servers (for MCP clients)'),
    expires_at: isoTimeInput.optional(),
  })
  .strict();
export type TokenInput = z.input<typeof tokenInput>;
export const tokenListQuery = z.object({
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe("admins: everyone's tokens"),
});

export const auditQuery = z.object({
  from: queryTime.optional().describe('default: 7 days before to'),
  to: queryTime.optional().describe('default: now'),
  actor: z.string().min(1).max(255).optional(),
  target: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('e.g. a server id, `user:alice`, `token:3`, a rule id'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const auditEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown().describe('what changed (before / after where known), secrets redacted'),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditList = z.object({ entries: z.array(auditEntry) });
export type AuditList = z.infer<typeof auditList>;
