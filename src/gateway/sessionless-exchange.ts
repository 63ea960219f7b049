/**
 * One POST without a session: a modern-era (2026-07-28) request, whose `_meta` envelope makes
 * it self-contained, or a `server/discover` probe. A stateless client-facing transport and a
 * session-less upstream live for this one HTTP exchange.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/client';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { acceptVersionOf } from './client-facing.js';
import { Relay, type RelayOptions } from './relay.js';
import type { Upstream } from '../mcp/upstream/upstream.js';

export async function serveSessionless(
  serverId: string,
  upstream: Upstream,
  options: RelayOptions,
  exchange: { req: IncomingMessage; res: ServerResponse; body: unknown; requestIds: RequestId[] },
): Promise<void> {
  const { req, res, body, requestIds } = exchange;
  const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const facts = { serverId, sessionId: () => null, clientInfo: undefined, protocolVersion: undefined };
  const relay = new Relay(transport, upstream, facts, options);
  transport.onmessage = (message, extra) => relay.fromClient(message, extra);
  transport.onerror = (error) =>
    options.log.debug({ err: error, server: serverId }, 'gateway: client transport error');
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
  await transport.start();
  acceptVersionOf(transport, req);
  await transport.handleRequest(req, res, body);
}
