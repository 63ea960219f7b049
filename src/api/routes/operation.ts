import type { FastifySchema } from 'fastify';

/**
 * A route's schemas (src/api/contract/) with its place in the OpenAPI document: the tag it is
 * listed under, its operationId (what a generated client calls it) and a one-line summary.
 */
export const operation =
  (tag: string) =>
  <S extends FastifySchema>(operationId: string, summary: string, schema: S) => ({
    schema: { tags: [tag], operationId, summary, ...schema },
  });
