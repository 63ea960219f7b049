import { federationSummary, type FederationSummary } from '../model/peer.js';

/** The most of a peer's answer read: a hostile or broken peer cannot make the hub hold more. */
export const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

/** Why a poll failed, in words for `last_error`. */
export class PollError extends Error {}

/**
 * Reads a peer's `GET /api/v1/federation/summary` with its token: no redirect followed (the hub
 * talks only to the URL configured), at most MAX_SUMMARY_BYTES read, the answer checked against
 * the summary's schema.
 */
export async function fetchSummary(
  url: string,
  token: string,
  timeoutMs: number,
  maxBytes = MAX_SUMMARY_BYTES,
): Promise<FederationSummary> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/federation/summary`, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    throw new PollError(signal.aborted ? `no answer within ${timeoutMs} ms` : reason(err));
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new PollError(
      res.status >= 300 && res.status < 400
        ? `HTTP ${res.status}: the peer redirects (not followed)`
        : res.status === 401 || res.status === 403
          ? `HTTP ${res.status}: the peer refused the token`
          : `HTTP ${res.status}`,
    );
  }
  const text = await readBounded(res, maxBytes, signal, timeoutMs);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PollError('the answer is not JSON');
  }
  const parsed = federationSummary.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PollError(
      `the answer is not a federation summary (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'})`,
    );
  }
  return parsed.data;
}

async function readBounded(
  res: Response,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new PollError(`the answer is larger than ${maxBytes} bytes`);
  }
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new PollError(`the answer is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof PollError) throw err;
    throw new PollError(signal.aborted ? `no answer within ${timeoutMs} ms` : reason(err));
  }
  return Buffer.concat(chunks).toString('utf8');
}

const reason = (err: unknown): string => {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message ?? 'fetch failed'}: ${cause}` : (e.message ?? String(err))).slice(0, 500);
};
