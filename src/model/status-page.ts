/** A status page (issue 17, DESIGN §14): chosen servers, by id or by tag, shown at /status/<slug>. */
import { z } from 'zod';

const slug = z
  .string()
  .min(1)
  .max(60)
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'lower-case letters, digits and inner dashes, as "public-tools"',
  );
const serverIds = z
  .array(z.string().trim().min(1).max(255))
  .min(1)
  .max(200)
  .refine((a) => new Set(a).size === a.length, 'server ids must be unique');
const tags = z
  .array(z.string().trim().min(1).max(50))
  .min(1)
  .max(20)
  .refine((a) => new Set(a).size === a.length, 'tags must be unique');

const fields = {
  slug,
  title: z.string().trim().min(1).max(120),
  /** The servers shown, by id, in this order; or null to show those with one of `tags`. */
  servers: serverIds.nullable(),
  tags: tags.nullable(),
  /** Readable without the token (the page, its JSON and its servers' badges); else token only. */
  public: z.boolean(),
};

const oneOf = (p: { servers?: string[] | null | undefined; tags?: string[] | null | undefined }) =>
  (p.servers == null) !== (p.tags == null);
const oneOfMessage = { error: 'give either servers or tags (the other null or left out)', path: ['servers'] };

/** `POST /api/v1/status-pages` body. Unknown fields are errors; `public` defaults to true. */
export const statusPageInput = z
  .strictObject({
    slug: fields.slug,
    title: fields.title,
    servers: fields.servers.default(null),
    tags: fields.tags.default(null),
    public: fields.public.default(true),
  })
  .refine(oneOf, oneOfMessage);
export type StatusPageInput = z.output<typeof statusPageInput>;

/** `PATCH /api/v1/status-pages/:id` body: any of the fields; servers and tags still exclude each other. */
export const statusPagePatch = z
  .strictObject(fields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');
export type StatusPagePatch = z.output<typeof statusPagePatch>;

export interface StatusPage extends StatusPageInput {
  id: number;
  created_at: number;
  updated_at: number;
}

/** Whether a page shows a server. */
export const pageShows = (
  page: Pick<StatusPage, 'servers' | 'tags'>,
  server: { id: string; tags: string[] },
) =>
  page.servers ? page.servers.includes(server.id) : (page.tags ?? []).some((t) => server.tags.includes(t));

export const statusPageOneOf = oneOf;
