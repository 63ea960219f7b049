/**
 * How the zod schemas routes declare (src/api/contract/) are applied. Requests: parsed by the
 * route's schemas before the handler, a failure being the API's one 400 — `{ fields: [{ field,
 * message }] }`, a query field named `query.<name>`, a body or path field by its own name, as
 * `shared/validate.ts` names them. Answers: written with JSON.stringify as Fastify writes an
 * answer without a schema; when `checkAnswers` is on (the tests), each answer is first checked
 * against its schema and a mismatch is a 500, so the contract cannot drift from what the routes
 * send. Production does not pay for the check, and an answer is never changed by its schema.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';
import { validate } from '../shared/validate.js';

const prefixes: Record<string, string> = { querystring: 'query', body: '', params: '', headers: 'headers' };

type SchemaDef = Parameters<FastifySchemaCompiler<unknown>>[0];

function zodSchema(def: SchemaDef): z.ZodType {
  if (def.schema instanceof z.ZodType) return def.schema;
  throw new Error(`${def.method} ${def.url}: the ${def.httpPart ?? 'answer'} schema is not a zod schema`);
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = (def) => {
  const schema = zodSchema(def);
  const prefix = prefixes[def.httpPart ?? ''] ?? '';
  // A request without a body is checked as `{}` (a body of optional fields may be left out).
  const empty = def.httpPart === 'body' ? {} : undefined;
  return (data: unknown) => {
    try {
      return { value: validate(schema, data ?? empty, prefix) };
    } catch (err) {
      return { error: err as Error };
    }
  };
};

export const serializerCompiler =
  (checkAnswers: boolean): FastifySerializerCompiler<unknown> =>
  (def) => {
    if (!checkAnswers) return (data) => JSON.stringify(data);
    const schema = zodSchema(def);
    return (data) => {
      const result = schema.safeParse(data);
      if (!result.success)
        throw new Error(
          `${def.method} ${def.url} answered ${def.httpStatus ?? ''} off its contract: ${z.prettifyError(result.error)}`,
        );
      return JSON.stringify(data);
    };
  };
