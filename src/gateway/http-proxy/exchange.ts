/**
 * One HTTP request forwarded to a Streamable HTTP server, and its answer piped back to the
 * client unchanged: the same status, the relevant headers (WWW-Authenticate…), the same
 * bytes, streamed as they come (the gateway never holds a whole answer). The JSON-RPC messages
 * of the answer (a JSON body or SSE events) are read on the way past (message-tap.ts).
 */
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { MessageTap } from '../message-tap.js';
import type { Tracked } from '../request-tracker.js';
import { SseReader, type SseEvent } from './sse-reader.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface ExchangeHooks {
  /** The headers to give the client for this upstream answer. */
  headersFor(upstream: IncomingMessage): OutgoingHttpHeaders;
  /** A message of the upstream's answer, with its size in bytes. */
  onMessage(message: JSONRPCMessage, bytes: number, exchange: Exchange): void;
  /** The upstream answered with an HTTP error (already passed on to the client). */
  onHttpError(status: number, text: string, exchange: Exchange): void;
  /** No answer could be had (connection refused, reset…). */
  onFailed(error: Error, exchange: Exchange): void;
  /** The upstream's answer is complete; `resumable` when its SSE events carried ids. */
  onEnd(exchange: Exchange, resumable: boolean): void;
  /** The client went away before the answer was complete. */
  onClientGone(exchange: Exchange): void;
}

const isSse = (upstream: IncomingMessage): boolean =>
  (upstream.headers['content-type'] ?? '').startsWith('text/event-stream');

/** How long the headers of a POST's SSE answer wait for its first event before leaving alone. */
const HOLD_HEADERS_MS = 50;

export class Exchange {
  /** The client requests this HTTP request carries that still wait for their answer. */
  readonly waiting = new Set<Tracked>();
  /** The upstream answer has begun (status known). */
  answered = false;
  private upstream: ClientRequest | undefined;
  private reader: SseReader | undefined;
  /** The gateway, not the upstream, opened the client's SSE stream (to answer a timeout). */
  private ownStream = false;
  /** A JSON body is being passed on to the client, not yet whole. */
  private piping = false;
  private ended = false;
  private status: number | undefined;
  /** An SSE answer's status and headers, waiting to leave with its first event. */
  private heldHead: { status: number; headers: OutgoingHttpHeaders; timer?: NodeJS.Timeout } | undefined;

  constructor(
    readonly res: ServerResponse,
    private readonly hooks: ExchangeHooks,
    /** Called once the upstream's answer is over (complete, failed or aborted). */
    private readonly onSettled?: (status: number | undefined) => void,
  ) {
    res.once('close', () => {
      if (!res.writableFinished) hooks.onClientGone(this);
    });
  }

  get clientOpen(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  start(
    pool: UpstreamPool,
    url: URL,
    method: string,
    headers: OutgoingHttpHeaders,
    body?: Buffer,
    retry = true,
  ): void {
    if (body !== undefined) headers['content-length'] = body.length;
    const upstream = pool.request(url, method, headers, !retry);
    this.upstream = upstream;
    upstream.once('response', (answer) => this.answer(answer));
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      // A pooled connection the server closed as idle just as it was reused: the server never
      // saw the request, so it is sent once more, on a connection of its own (Node's documented way).
      const stale = upstream.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      if (retry && stale && !this.answered && !this.ended)
        this.start(pool, url, method, headers, body, false);
      else this.failed(error);
    });
    upstream.end(body);
  }

  /** Stops reading the upstream's answer (its request is aborted). */
  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.upstream?.destroy();
    this.onSettled?.(this.status);
  }

  /**
   * Sends the client a message of the gateway's own (a timeout, a lost request) as an SSE
   * event: on the upstream's SSE stream, or on one the gateway opens when nothing was sent yet.
   */
  deliver(message: JSONRPCMessage): void {
    if (!this.clientOpen) return;
    this.sendHead();
    if (!this.res.headersSent) {
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      this.ownStream = true;
    } else if (this.reader === undefined && !this.ownStream) return;
    // Mid-event, a blank line first: the half-read event is cut short rather than corrupted.
    const cut = this.reader !== undefined && !this.reader.atBoundary ? '\n\n' : '';
    this.res.write(`${cut}event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** Ends the client's answer and the upstream request when no request of it still waits. */
  finishIfDone(): void {
    if (this.waiting.size > 0) return;
    if (this.clientOpen) {
      this.sendHead();
      // A JSON body cut short (a timeout mid-body) is dropped: ended, it would look whole.
      if (this.piping) this.res.destroy();
      else if (this.res.headersSent) this.res.end();
    }
    this.abort();
  }

  /** Writes the upstream's status and headers held back for the first event, if they still are. */
  private sendHead(extra?: OutgoingHttpHeaders): void {
    const head = this.heldHead;
    this.heldHead = undefined;
    // The timer would keep this exchange (and its client response) alive for its 50 ms.
    clearTimeout(head?.timer);
    if (head === undefined || this.res.headersSent) return;
    this.res.writeHead(head.status, extra === undefined ? head.headers : { ...head.headers, ...extra });
  }

  private answer(upstream: IncomingMessage): void {
    this.answered = true;
    const status = upstream.statusCode ?? 502;
    this.status = status;
    if (status >= 200 && status < 300 && isSse(upstream)) {
      this.stream(upstream, status);
      return;
    }
    const res = this.res;
    const length = Number(upstream.headers['content-length'] ?? Number.NaN);
    const tap = new MessageTap();
    let sent = 0;
    // Whether the body goes on to the client is settled with its first bytes: a timeout before
    // them is still answered on a stream of the gateway's own (`deliver`), and so is the rest.
    let passing: boolean | undefined;
    const begin = (): boolean => {
      if (passing !== undefined) return passing;
      passing = !res.headersSent && this.clientOpen;
      if (passing) {
        const sized = Number.isInteger(length) ? { 'content-length': length } : {};
        res.writeHead(status, { ...this.hooks.headersFor(upstream), ...sized });
      }
      this.piping = passing;
      return passing;
    };
    upstream.on('data', (chunk: Buffer) => {
      tap.push(chunk);
      if (!begin() || !this.clientOpen) return;
      sent += chunk.length;
      // The whole answer in this chunk ends it: head, body and end in one write.
      if (sent === length) {
        res.end(chunk);
        return;
      }
      if (!res.write(chunk)) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    });
    upstream.once('end', () => {
      if (begin() && this.clientOpen) res.end();
      this.piping = false;
      this.ended = true;
      const text = status >= 300 ? tap.text() : '';
      const { messages, whole, bytes } = tap.take();
      if (status >= 300) this.hooks.onHttpError(status, text, this);
      else {
        const each = messages.length === 1 ? bytes : Math.round(bytes / Math.max(1, messages.length));
        for (const message of messages) {
          // On the gateway's own stream an answer goes whole or not at all (then `onEnd` says so).
          if (this.ownStream && !whole) continue;
          if (this.ownStream) this.deliver(message);
          this.hooks.onMessage(message, each, this);
        }
      }
      this.hooks.onEnd(this, false);
      if (this.ownStream && this.clientOpen) res.end();
      this.onSettled?.(status);
    });
    upstream.once('error', (error) => this.failed(error));
  }

  private stream(upstream: IncomingMessage, status: number): void {
    const res = this.res;
    // The answer to a POST's requests: over once each has its response (the spec's servers then
    // close the stream), and its headers can wait a moment for the first event.
    const answers = this.waiting.size > 0;
    if (!res.headersSent) {
      // The head leaves with the first event when it comes soon (one write, not two); on its own
      // otherwise, so that the client of a quiet stream sees it.
      this.heldHead = { status, headers: this.hooks.headersFor(upstream) };
      const flush = (): void => {
        if (this.heldHead === undefined || !this.clientOpen) return;
        this.sendHead();
        res.flushHeaders();
      };
      if (answers) this.heldHead.timer = setTimeout(flush, HOLD_HEADERS_MS).unref();
      else setImmediate(flush);
    }
    const reader = new SseReader((event) => this.event(event));
    this.reader = reader;
    upstream.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      if (!this.clientOpen) return;
      // The last response is in this chunk: the client's answer ends with it (headers, event and
      // end in one write, sized rather than chunked when it is the whole answer); the rest of the
      // upstream's stream, its end, is read and dropped.
      if (answers && this.waiting.size === 0 && reader.atBoundary) {
        this.sendHead({ 'content-length': chunk.length });
        res.end(chunk);
        return;
      }
      this.sendHead();
      if (!res.write(chunk)) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    });
    upstream.once('end', () => {
      this.ended = true;
      this.hooks.onEnd(this, reader.lastEventId !== undefined);
      if (this.clientOpen) {
        this.sendHead();
        res.end();
      }
      this.onSettled?.(status);
    });
    upstream.once('error', (error) => this.failed(error));
  }

  private event(event: SseEvent): void {
    if (event.event !== undefined && event.event !== 'message') return;
    for (const message of event.messages) this.hooks.onMessage(message, event.bytes, this);
  }

  private failed(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.onFailed(error, this);
    if (this.clientOpen && this.piping) this.res.destroy();
    else if (this.clientOpen && this.res.headersSent) this.res.end();
    this.piping = false;
    this.onSettled?.(this.status);
  }
}
