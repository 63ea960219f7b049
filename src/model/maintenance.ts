/**
 * A maintenance window (issue 17): for some servers (by id or by tag), from `starts_at` for a
 * while, once or again and again (an RRULE or a cron expression read in `time_zone`). During it
 * the servers' alert notifications are held back (recorded as suppressed), their cards and status
 * pages say Maintenance, and checks go on.
 */
import { z } from 'zod';

/** Whether the runtime knows a time zone ("Europe/Berlin", "UTC"). */
const knownZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const MAX_MINUTES = 366 * 1440;

export const recurrenceSchema = z
  .union([
    z.object({ rrule: z.string().trim().min(1).max(500) }).strict(),
    z.object({ cron: z.string().trim().min(1).max(200) }).strict(),
  ])
  .nullable();

const fields = {
  title: z.string().trim().min(1).max(255),
  servers: z
    .array(z.string().trim().min(1).max(255))
    .min(1)
    .max(1000)
    .refine((a) => new Set(a).size === a.length, 'server ids must be unique'),
  tags: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
  /** ISO 8601; without an offset it is a local time in `time_zone`. */
  starts_at: z.iso.datetime({ offset: true, local: true }),
  duration_minutes: z.number().int().min(1).max(MAX_MINUTES),
  ends_at: z.iso.datetime({ offset: true, local: true }),
  recurrence: recurrenceSchema,
  time_zone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(knownZone, 'not a time zone name (such as Europe/Berlin or UTC)'),
};

/** What must hold across fields: servers or tags, a duration or an end. */
function exactlyOne(
  w: { servers?: unknown; tags?: unknown; duration_minutes?: unknown; ends_at?: unknown },
  ctx: z.RefinementCtx,
): void {
  if ((w.servers === undefined) === (w.tags === undefined))
    ctx.addIssue({ code: 'custom', path: ['servers'], message: 'give servers or tags (one of them)' });
  if ((w.duration_minutes === undefined) === (w.ends_at === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['duration_minutes'],
      message: 'give duration_minutes or ends_at (one of them)',
    });
}

/**
 * `POST /api/v1/maintenance` body and an entry of the config file's `maintenance:`. No
 * recurrence (once) and UTC unless given.
 */
export const maintenanceInputSchema = z
  .object({
    title: fields.title,
    servers: fields.servers.optional(),
    tags: fields.tags.optional(),
    starts_at: fields.starts_at,
    duration_minutes: fields.duration_minutes.optional(),
    ends_at: fields.ends_at.optional(),
    recurrence: fields.recurrence.default(null),
    time_zone: fields.time_zone.default('UTC'),
  })
  .strict()
  .superRefine(exactlyOne);
export type MaintenanceInput = z.output<typeof maintenanceInputSchema>;

/**
 * `PATCH /api/v1/maintenance/:id` body: any fields; `servers` replaces `tags` and the other way
 * round, `duration_minutes` replaces `ends_at` and the other way round.
 */
export const maintenancePatchSchema = z
  .object({
    title: fields.title,
    servers: fields.servers,
    tags: fields.tags,
    starts_at: fields.starts_at,
    duration_minutes: fields.duration_minutes,
    ends_at: fields.ends_at,
    recurrence: fields.recurrence,
    time_zone: fields.time_zone,
  })
  .partial()
  .strict()
  .superRefine((p, ctx) => {
    if (Object.keys(p).length === 0)
      ctx.addIssue({ code: 'custom', path: [], message: 'give at least one field to change' });
    if (p.servers !== undefined && p.tags !== undefined)
      ctx.addIssue({ code: 'custom', path: ['servers'], message: 'give servers or tags, not both' });
    if (p.duration_minutes !== undefined && p.ends_at !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['duration_minutes'],
        message: 'give duration_minutes or ends_at, not both',
      });
  });
export type MaintenancePatch = z.output<typeof maintenancePatchSchema>;

/** Where a window comes from: the API, or the config file's `maintenance:` (read-only through the API). */
export type MaintenanceSource = 'api' | 'config';

/** A stored window: times are epoch ms, the first start an instant. */
export interface MaintenanceWindow {
  id: number;
  title: string;
  servers: string[] | null;
  tags: string[] | null;
  startsAt: number;
  durationMs: number;
  recurrence: z.output<typeof recurrenceSchema>;
  timeZone: string;
  source: MaintenanceSource;
  by: string;
  createdAt: number;
  updatedAt: number;
}
