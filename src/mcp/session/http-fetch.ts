/**
 * The `fetch` the checker gives the SDK's HTTP transports: node:http(s) over keep-alive agents.
 *
 * Why not the global `fetch`: Node 20's fetch registers every Response with a
 * FinalizationRegistry (and every Request given a signal with another, plus a WeakRef). V8's
 * young-generation collector treats those registrations as strong, so each probe's request and
 * response graph survives into the old generation and waits there for the next full GC; at
 * 10,000 servers the old generation grew to ~4× the live heap between collections. Here nothing
 * is registered: a probe's garbage dies young. Listeners on the caller's (long-lived) signal are
 * removed when each request ends, not at garbage collection.
 *
 * What is read of an answer is capped (`max_probe_response_bytes`): a JSON body larger than the
 * limit fails with AnswerTooLargeError as soon as it is known to be (its socket is dropped), and
 * an SSE event larger than it is replaced by an error response (answer-caps.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import type { FetchLike } from '@modelcontextprotocol/client';
import { AnswerTooLargeError, type AnswerLimit } from '../../shared/answer-limit.js';
import { DEFAULT_PROBE_OPTIONS } from '../probe-options.js';
import { ByteCap, SseEventCap } from './answer-caps.js';

/** Idle keep-alive sockets close after this, like fetch's default (undici's 4 s). */
const IDLE_SOCKET_MS = 4000;
/** A request without response headers by then is abandoned, like fetch's default (undici's 300 s). */
const HEADERS_TIMEOUT_MS = 300_000;
/** Statuses whose responses have no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' } as const;
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function bodyOf(init: RequestInit | undefined): string | Uint8Array | undefined {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('probe fetch: only string and byte bodies are supported');
}

/**
 * A `Response` over a node:http response without a web stream: `text()`/`json()` read the
 * socket directly, and `body` (only the SSE paths use it) is made on first use. Node 20's
 * `ReadableStream` is a C++-backed object that outlives young-generation collections, so a
 * stream per probe would again promote each probe's response to the old generation.
 */
class NodeResponse extends Response {
  /** The node:http answer the body is read from. */
  readonly nodeAnswer: http.IncomingMessage;
  /** The most that is read of it. */
  readonly limit: AnswerLimit;
  /** The web stream, once `body` was asked for. */
  webStream: ReadableStream<Uint8Array> | undefined;

  constructor(res: http.IncomingMessage, init: ResponseInit, limit: AnswerLimit) {
    super(null, init);
    this.nodeAnswer = res;
    this.limit = limit;
  }
}

/**
 * The bytes of the answer; rejects when they were read already, when the socket closed first,
 * or (dropping the socket) once they exceed the limit.
 */
function readAll(r: NodeResponse): Promise<Buffer> {
  if (r.bodyUsed) return Promise.reject(new TypeError('Body has already been consumed.'));
  const { nodeAnswer: res, limit } = r;
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      reject(new AnswerTooLargeError(limit));
      res.destroy();
    };
    if (Number(res.headers['content-length'] ?? 0) > limit.bytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit.bytes) tooLarge();
      else chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
    // After 'end' this is a no-op; before it, the server or an abort cut the body short.
    res.once('close', () => reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  });
}

// The overrides are set on the prototype rather than written in the class: Node's typings
// (undici) declare these members of Response as properties and the DOM's as accessors and
// methods, and this file must type-check under both (the build sees one, the tests the other).
Object.defineProperties(NodeResponse.prototype, {
  body: {
    get(this: NodeResponse): ReadableStream<Uint8Array> {
      if (this.webStream !== undefined) return this.webStream;
      const sse = (this.nodeAnswer.headers['content-type'] ?? '').startsWith('text/event-stream');
      const cap = sse ? new SseEventCap(this.limit) : new ByteCap(this.limit);
      // Errors and a cancel by the reader travel both ways: the socket is let go either way.
      pipeline(this.nodeAnswer, cap, () => undefined);
      // safe because: Readable.toWeb yields a ReadableStream of the cap's Uint8Array chunks.
      this.webStream = Readable.toWeb(cap) as ReadableStream<Uint8Array>;
      return this.webStream;
    },
  },
  bodyUsed: {
    get(this: NodeResponse): boolean {
      return this.webStream !== undefined || this.nodeAnswer.readableDidRead;
    },
  },
  arrayBuffer: {
    async value(this: NodeResponse): Promise<ArrayBuffer> {
      const bytes = await readAll(this);
      // safe because: readAll returns a fresh Buffer that owns its whole ArrayBuffer slice.
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  },
  text: {
    async value(this: NodeResponse): Promise<string> {
      return (await readAll(this)).toString('utf8');
    },
  },
  json: {
    async value(this: NodeResponse): Promise<unknown> {
      return JSON.parse((await readAll(this)).toString('utf8')) as unknown;
    },
  },
});

function responseOf(res: http.IncomingMessage, method: string, limit: AnswerLimit): Response {
  const status = res.statusCode ?? 0;
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i];
    const value = res.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined) headers.push([name, value]);
  }
  const init = { status, statusText: res.statusMessage ?? '', headers };
  if (NULL_BODY.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, init);
  }
  return new NodeResponse(res, init, limit);
}

/**
 * A `fetch` whose answers are read up to `limit`: no redirects followed (the SDK asks for
 * 'manual' and follows itself).
 */
export function cappedFetch(limit: AnswerLimit): FetchLike {
  const key = `${limit.setting}:${limit.bytes}`;
  let made = fetches.get(key);
  if (made === undefined) {
    made = (input, init) => fetchOne(input, init, limit);
    fetches.set(key, made);
  }
  return made;
}

/** One `fetch` per limit, shared by every session (there may be thousands). */
const fetches = new Map<string, FetchLike>();

/** `fetch` with the default limit. */
export const probeFetch: FetchLike = cappedFetch(DEFAULT_PROBE_OPTIONS.answerLimit);

function fetchOne(input: string | URL, init: RequestInit | undefined, limit: AnswerLimit): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = bodyOf(init);
    const signal = init?.signal ?? undefined;
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      headers: headersOf(init),
      agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      ...(signal === undefined ? {} : { signal }),
    });
    request.setTimeout(HEADERS_TIMEOUT_MS, () =>
      request.destroy(new Error(`no response headers within ${HEADERS_TIMEOUT_MS / 1000} s`)),
    );
    request.once('error', reject);
    request.once('response', (res) => {
      request.setTimeout(0);
      try {
        resolve(responseOf(res, method, limit));
      } catch (error) {
        res.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.end(body);
  });
}
