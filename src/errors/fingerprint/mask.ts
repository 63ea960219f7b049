/**
 * Masking of what varies between occurrences of one error (DESIGN §10), so that
 * "timeout after 5012 ms on 7f3a9c01-…" and "timeout after 4999 ms on 09bc4e22-…" are one group.
 * Each rule replaces a kind of variable part with a placeholder; the order matters: a URL is
 * masked whole before its path, dates, digits and ids would be taken apart, a timestamp before
 * its numbers, and a quoted value before the path or number inside it.
 */
const RULES: readonly [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>)\]]+/gi, '<url>'],
  // ISO 8601 timestamps (date, time, fraction, zone) before their digits become numbers
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<time>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // a quote that opens after a letter is an apostrophe ("can't"), not a quoted value
  [/(?<![\w])"(?:[^"\\\n]|\\.)*"|(?<![\w])'[^'\n]*'(?![\w])|`[^`\n]*`/g, '<str>'],
  // absolute paths, Unix (two segments or more: a lone "/mcp" is a route) and Windows
  [/(?<![\w.:/<>])(?:~|\.{1,2})?\/(?:[\w.@%+=-]+\/)+[\w.@%+=-]*/g, '<path>'],
  [/\b[a-z]:\\(?:[^\\\s"'<>]+\\)*[^\\\s"'<>]*/gi, '<path>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // hex ids (a digit and a letter a-f among four or more hex characters: not "dead", not "1234")
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{4,}\b/gi, '<hex>'],
  // other generated ids: long tokens of letters and at least two digits ("req_8fK2zQ91x")
  [/\b(?=[\w-]*\d[\w-]*\d)(?=[\w-]*[a-z])[\w-]{10,}\b/gi, '<id>'],
  // numbers, not digits inside a word ("utf8", "v2") nor an HTTP status, which says what failed
  [/(?<![\w<.])(?<!HTTP )-?\d+(?:\.\d+)?/g, '<n>'],
];

const MAX_MASKED = 300;

/** The message with its variable parts replaced by placeholders, spaces collapsed, at most 300 characters. */
export function maskMessage(message: string): string {
  let out = message;
  for (const [pattern, placeholder] of RULES) out = out.replace(pattern, placeholder);
  return out.replace(/\s+/g, ' ').trim().slice(0, MAX_MASKED);
}

const FRAMES = 3;

/**
 * The top frames of a stack trace as what identifies them across deployments: the function's
 * name, or the file's name when anonymous — never line numbers or absolute paths, which move.
 */
export function topFrames(stack: string | null): string[] {
  if (stack === null) return [];
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:(?:async )?([^\s(]+) \()?([^)]*?)(?::\d+){0,2}\)?\s*$/.exec(line);
    if (!m) continue;
    const file = (m[2] ?? '').split(/[\\/]/).pop() ?? '';
    frames.push(m[1] ?? file);
    if (frames.length === FRAMES) break;
  }
  return frames;
}
