import { z } from 'zod';

/** A time in a query: ISO 8601 or epoch ms. */
export const time = z.union([
  z.coerce.number().int().positive(),
  z.iso.datetime({ offset: true }).transform((t) => Date.parse(t)),
]);

/** `:id` of a server's routes. */
export const serverIdParams = z.object({ id: z.string().min(1) });
