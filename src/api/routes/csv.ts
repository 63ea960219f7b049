import type { FastifyReply } from 'fastify';

/**
 * A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
 * leading `'` (OWASP's CSV injection advice): error messages and names come from upstreams.
 */
const FORMULA = /^[=+\-@\t\r]/;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let text =
    typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  if (typeof v === 'string' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as RFC 4180 CSV: a header row of the columns (the first row's keys, then any new ones in
 * order of appearance), CRLF line ends, a field with a comma, quote or line break quoted and its
 * quotes doubled; null is an empty field, a nested value its JSON.
 */
export function toCsv(rows: readonly object[], columns?: readonly string[]): string {
  const cols = columns ? [...columns] : [];
  if (!columns) for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const value = (r: object, c: string): unknown =>
    Object.hasOwn(r, c) ? (r as Record<string, unknown>)[c] : null;
  const lines = [cols.map(cell).join(','), ...rows.map((r) => cols.map((c) => cell(value(r, c))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** Sends rows as a CSV download named `filename` (a safe name: letters, digits, dot, dash, underscore). */
export function sendCsv(
  reply: FastifyReply,
  filename: string,
  rows: readonly object[],
  columns?: readonly string[],
): FastifyReply {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${safe}"`)
    .send(toCsv(rows, columns));
}
