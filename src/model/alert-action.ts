/** What a person does about an alert that fired: acknowledge it, silence it for a while, comment. */
import { z } from 'zod';

export const ACTION_KINDS = ['ack', 'silence', 'comment'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const by = z.string().trim().min(1).max(100);
const text = z.string().trim().min(1).max(2000);
const future = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) > Date.now(), 'must be in the future');

/** `POST /api/v1/alerts/history/:id/ack` body (may be empty); `by` defaults to who is calling. */
export const ackInputSchema = z.object({ by: by.optional(), comment: text.optional() }).strict();
export type AckInput = z.output<typeof ackInputSchema>;
/** `POST /api/v1/alerts/history/:id/silence` body. */
export const silenceActionInputSchema = z
  .object({ until: future, by: by.optional(), comment: text.optional() })
  .strict();
export type SilenceActionInput = z.output<typeof silenceActionInputSchema>;
/** `POST /api/v1/alerts/history/:id/comment` body. */
export const commentInputSchema = z.object({ text, by: by.optional() }).strict();
export type CommentInput = z.output<typeof commentInputSchema>;
