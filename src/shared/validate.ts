import type { z } from 'zod';
import { validationError } from './errors.js';

/** Parses input with a schema, or throws a validation error naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.flatMap((issue) => {
      const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'unknown field' }));
      return [{ field: base || '(body)', message: issue.message }];
    }),
  );
}
