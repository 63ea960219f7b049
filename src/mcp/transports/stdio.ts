/** A server the monitor starts as a child process and speaks to over its stdin and stdout. */
import { z } from 'zod';
import type { EnvValue } from '../../model/server.js';
import { REDACTED } from '../../shared/scrubber.js';
import { StdioSession } from '../session/stdio-session.js';
import { StdioLane } from '../upstream/stdio-lane.js';
import { StdioUpstream } from '../upstream/stdio-upstream.js';
import type { SpecOf, TransportMember } from '../transport.js';

/** Text a command line or environment can carry: no NUL (the OS cannot pass one). */
const argText = z.string().refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

/** An env value is a plain string, or `{ value, secret: true }` to keep it out of every response and log. */
const envValue = z.union([argText, z.object({ value: argText, secret: z.boolean().default(true) })]);

const secretLooking = /(token|secret|passw|api[-_]?key|auth|credential|private)/i;

/** Env values given as plain strings become secret when their name looks like one. */
function toEnvValues(
  env: Record<string, string | { value: string; secret: boolean }>,
): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const [k, v] of Object.entries(env))
    out[k] =
      typeof v === 'string'
        ? { value: v, secret: secretLooking.test(k) }
        : { value: v.value, secret: v.secret };
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Spec = SpecOf<'stdio'>;

const inputShape = {
  command: argText.pipe(z.string().trim().min(1, 'command is required for a stdio server')),
  args: z.array(argText).default([]),
  env: z
    .record(z.string(), envValue)
    .superRefine((env, ctx) => {
      for (const name of Object.keys(env))
        if (name === '' || name.includes('=') || name.includes('\u0000'))
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'an environment variable name must be non-empty, without "=" or NUL',
          });
    })
    .default({}),
  cwd: argText.pipe(z.string().min(1)).optional(),
};
type Input = z.output<z.ZodObject<typeof inputShape>>;

export const stdio = {
  transport: 'stdio' as const,
  inputShape,
  inputFields: ['command', 'args', 'env', 'cwd'],
  runsCommand: true,
  specOf(fields) {
    // safe because: the fields were validated with this member's inputShape.
    const i = fields as Input;
    return {
      transport: 'stdio',
      command: i.command,
      args: i.args,
      env: toEnvValues(i.env),
      ...(i.cwd ? { cwd: i.cwd } : {}),
    };
  },
  inputOf: (spec) => ({
    command: spec.command,
    args: spec.args,
    env: Object.fromEntries(
      Object.entries(spec.env).map(([k, v]) => [k, { value: v.value, secret: v.secret }]),
    ),
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
  }),
  keepRedacted(fields, previous) {
    if (!isRecord(fields.env)) return fields;
    const env = Object.entries(fields.env).map(([k, v]) => {
      const old = previous.env[k];
      const marker = v === REDACTED || (isRecord(v) && v.value === REDACTED);
      return [k, marker && old ? { value: old.value, secret: old.secret } : v];
    });
    return { ...fields, env: Object.fromEntries(env) };
  },
  secretValues: (spec) =>
    Object.values(spec.env)
      .filter((v) => v.secret)
      .map((v) => v.value),
  mapSecrets(spec, fn): Spec {
    const env = Object.entries(spec.env).map(([k, v]) => [k, v.secret ? { ...v, value: fn(v.value) } : v]);
    return { ...spec, env: Object.fromEntries(env) as Record<string, EnvValue> };
  },
  view: (spec) => ({
    command: spec.command,
    args: spec.args,
    env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, v.secret ? REDACTED : v.value])),
    cwd: spec.cwd ?? null,
  }),
  endpoint: (spec) =>
    [spec.command, ...spec.args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '),
  probeTarget: (spec) => ({
    transport: 'stdio',
    command: spec.command,
    args: spec.args,
    env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, v.value])),
    cwd: spec.cwd,
  }),
  openSession: (target, hooks, options) => new StdioSession(target, hooks, options),
  processSource: () => ({ kind: 'child' }),
  gateway: {
    kind: 'sdk',
    processPerSession: true,
    session: (spec, ctx, onEnded) => new StdioUpstream(spec, ctx.limit, ctx.log, onEnded),
    exchange: {
      shared: true,
      make: (spec, ctx) => new StdioLane(spec, ctx.limit, ctx.log, ctx.sharedIdleMs),
    },
  },
} satisfies TransportMember<'stdio'>;
