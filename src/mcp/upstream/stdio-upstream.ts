/** A stdio upstream for one client session: its own child process, stopped with the session. */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { AnswerLimit } from '../../shared/answer-limit.js';
import { isResponse } from '../json-rpc.js';
import { StdioChild, type StdioSpec } from './stdio-child.js';
import { cancelledNotification, type Upstream } from './upstream.js';

/** How long a failed write waits for the process's exit reason, which explains it better. */
const EXIT_SETTLE_MS = 250;

export class StdioUpstream implements Upstream {
  readonly exactStreams = false;
  onmessage: Upstream['onmessage'];
  onrequestlost: Upstream['onrequestlost'];
  onclose: Upstream['onclose'];

  private child: StdioChild | undefined;
  private closed = false;

  constructor(
    private readonly spec: StdioSpec,
    private readonly limit: AnswerLimit,
    private readonly log: Logger,
    /** Called once the child has ended, whatever the reason (frees its pool slot). */
    private readonly onEnded: () => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = new StdioChild(this.spec, this.limit);
    this.child = child;
    child.transport.onmessage = (message) =>
      this.onmessage?.(message, isResponse(message) ? message.id : undefined);
    child.transport.onerror = (error) => this.log.debug({ err: error }, 'gateway: stdio upstream error');
    void child.gone.then((why) => {
      this.onEnded();
      if (this.closed) return;
      this.closed = true;
      this.onclose?.(why);
    });
    void child.transport.start().catch(() => undefined);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const child = this.child;
    if (this.closed || child === undefined) throw new Error('the upstream process is not running');
    try {
      await child.transport.send(message);
    } catch (error) {
      throw (await child.goneWithin(EXIT_SETTLE_MS)) ?? error;
    }
  }

  cancel(id: RequestId, reason: string, notify: boolean): void {
    if (notify && !this.closed) this.send(cancelledNotification(id, reason)).catch(() => undefined);
  }

  setProtocolVersion(): void {
    // stdio carries no protocol-version header.
  }

  async close(): Promise<void> {
    if (this.closed && this.child?.running !== true) return;
    this.closed = true;
    await this.child?.stop();
  }
}
