/**
 * Text that crosses the API boundary is checked once for what the stores cannot hold or what
 * makes no sense in text: NUL characters (PostgreSQL refuses them, failing the whole write they
 * are in) and unpaired UTF-16 surrogates. A request carrying either in its body, query or path
 * gets a 400 naming the field, before any route sees it.
 */
import type { FastifyInstance } from 'fastify';
import { validationError, type FieldProblem } from '../shared/errors.js';
import { textProblem } from '../shared/text.js';

const MAX_PROBLEMS = 20;

/** Walks a parsed JSON value; every string (keys too) is checked. */
function walk(value: unknown, path: string, out: FieldProblem[]): void {
  if (out.length >= MAX_PROBLEMS) return;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push({ field: path || '(body)', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i), out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const field = path ? `${path}.${k}` : k;
      const keyProblem = textProblem(k);
      if (keyProblem) out.push({ field, message: `field name ${keyProblem}` });
      walk(v, field, out);
    }
  }
}

export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    const problems: FieldProblem[] = [];
    walk(req.params, 'params', problems);
    walk(req.query, 'query', problems);
    walk(req.body, '', problems);
    done(problems.length === 0 ? undefined : validationError(problems));
  });
}
