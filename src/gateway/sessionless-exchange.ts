/**
 * One POST without a session: a modern-era (2026-07-28) request, whose `_meta` envelope makes
 * it self-contained, or a `server/discover` probe. A stateless client-facing transport and a
 * session-less upstream live for this one HTTP exchange.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/client';
import { ClientTransport, type PostBody } from './client-transport.js';
import { Relay, type RelayOptions } from './relay.js';
import type { Upstream } from '../mcp/upstream/upstream.js';

export function serveSessionless(
  serverId: string,
  upstream: Upstream,
  options: RelayOptions,
  exchange: {
    req: IncomingMessage;
    res: ServerResponse;
    body: PostBody;
    requestIds: RequestId[];
  },
): void {
  const { req, res, body, requestIds } = exchange;
  const transport = new ClientTransport({
    stateful: false,
    // The relay is made below, before handle() hands the transport any message.
    onmessage: (message, context) => relay.fromClient(message, context),
    onerror: (error) =>
      options.log.debug({ err: error, server: serverId }, 'gateway: client transport error'),
  });
  const facts = { serverId, sessionId: () => null, clientInfo: undefined, protocolVersion: undefined };
  const relay = new Relay(transport, upstream, facts, options);
  upstream.onclose = (error) => relay.upstreamGone(error);
  res.once('close', () => {
    relay.clientStreamClosed(requestIds);
    relay.abandonAll({
      outcome: 'cancelled',
      errorCode: null,
      errorMessage: 'the client closed the request stream',
      errorData: null,
    });
    void upstream.close().catch(() => undefined);
    void transport.close().catch(() => undefined);
  });
  upstream.start();
  void transport.handle(req, res, body);
}
