/**
 * An MCP client transport over the stdio of a child process that the supervisor has already
 * spawned. It never kills the child (the supervisor owns it); closing only detaches.
 *
 * It exposes `pid` and `stderr` so the SDK recognises it as stdio-shaped and probes in place
 * (a silent probe then means "legacy server" rather than an outage).
 *
 * A line longer than the limit is not read (message-lines.ts): the request it answers gets an
 * error response naming the limit at once, and the line is reported as an invalid message.
 */
import type { ChildProcess } from 'node:child_process';
import {
  SdkError,
  SdkErrorCode,
  serializeMessage,
  type JSONRPCMessage,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/client';
import { AnswerTooLargeError, tooLargeResponse, type AnswerLimit } from '../../shared/answer-limit.js';
import { excerpt, InvalidMessageError } from './describe-error.js';
import { MessageLines } from './message-lines.js';
import { conformsToSchema } from '../wire-check.js';

export interface ChildTransportOptions {
  /** The longest line read. */
  limit: AnswerLimit;
  /** Hears of every stdout line that is not a usable message, even while the SDK's probe owns `onerror`. */
  onInvalid?: (error: Error) => void;
}

export class ChildTransport implements Transport {
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];
  onmessage?: Transport['onmessage'];

  private started = false;
  private closed = false;
  private readonly splitter: MessageLines;
  private readonly onData = (chunk: Buffer): void => this.splitter.write(chunk);
  private readonly onGone = (): void => void this.close();
  private readonly onStdinError = (error: Error): void => this.report(error);

  constructor(
    private readonly child: ChildProcess,
    private readonly options: ChildTransportOptions,
  ) {
    this.splitter = new MessageLines(
      options.limit,
      (line) => this.handleLine(line),
      (outline) => this.tooLarge(outline),
    );
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** stderr is teed by the supervisor, not exposed here. */
  get stderr(): null {
    return null;
  }

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('ChildTransport already started'));
    this.started = true;
    const { stdout, stdin } = this.child;
    if (stdout === null || stdin === null)
      return Promise.reject(new SdkError(SdkErrorCode.NotConnected, 'child has no stdio pipes'));
    stdout.on('data', this.onData);
    stdout.once('close', this.onGone);
    stdin.on('error', this.onStdinError);
    this.child.once('exit', this.onGone);
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) {
      setImmediate(this.onGone);
    }
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child.stdin;
    if (this.closed || stdin === null || !stdin.writable) {
      return Promise.reject(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
    }
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.child.stdout?.off('data', this.onData);
    this.child.stdout?.off('close', this.onGone);
    this.child.off('exit', this.onGone);
    // Keep swallowing late EPIPEs from the pipe: detaching this handler could crash the monitor.
    this.splitter.flush();
    this.onclose?.();
    return Promise.resolve();
  }

  private handleLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
      if (!conformsToSchema(message)) throw new Error('not a JSON-RPC 2.0 message');
    } catch (cause) {
      const error = new InvalidMessageError(`unparseable line on stdout: "${excerpt(line, 80)}"`);
      error.cause = cause;
      this.options.onInvalid?.(error);
      this.report(error);
      return;
    }
    // safe because: conformsToSchema checked it is one (the SDK's schema, by hand).
    this.onmessage?.(message as JSONRPCMessage);
  }

  private tooLarge(answered: RequestId[]): void {
    const { limit } = this.options;
    const error = new AnswerTooLargeError(limit);
    this.options.onInvalid?.(error);
    this.report(error);
    for (const id of answered) this.onmessage?.(tooLargeResponse(id, limit));
  }

  private report(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // Observers must not break the pipe handling.
    }
  }
}
