/**
 * A silence (maintenance window): from `starts_at` to `ends_at`, every alert whose rule, server
 * and server tag match (a null matcher matches anything; at least one is given) sends no
 * notification. History is still written.
 */
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });

/** `POST /api/v1/alerts/silences` body. `starts_at` defaults to now, `by` to who is calling. */
export const silenceInputSchema = z
  .object({
    rule_id: z.number().int().positive().nullable().default(null),
    server_id: z.string().trim().min(1).max(255).nullable().default(null),
    tag: z.string().trim().min(1).max(100).nullable().default(null),
    starts_at: isoTime.optional(),
    ends_at: isoTime,
    comment: z.string().trim().max(2000).nullable().default(null),
    by: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.rule_id === null && s.server_id === null && s.tag === null)
      ctx.addIssue({
        code: 'custom',
        path: ['rule_id'],
        message: 'give at least one of rule_id, server_id, tag',
      });
    const ends = Date.parse(s.ends_at);
    if (s.starts_at !== undefined && ends <= Date.parse(s.starts_at))
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be after starts_at' });
    else if (ends <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be in the future' });
  });
export type SilenceInput = z.output<typeof silenceInputSchema>;
