/** The SDK's Streamable HTTP server transport as the gateway's client-facing side. */
import type { IncomingMessage } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/client';
import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { FIRST_MODERN_VERSION } from '../mcp/json-rpc.js';

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The transport rejects an `MCP-Protocol-Version` header it does not list; the upstream
 * server is the one to judge versions, so the request's own version is always listed.
 */
export function acceptVersionOf(transport: NodeStreamableHTTPServerTransport, req: IncomingMessage): void {
  const versions = [...SUPPORTED_PROTOCOL_VERSIONS, FIRST_MODERN_VERSION];
  const claimed = headerOf(req, 'mcp-protocol-version');
  if (claimed !== undefined && !versions.includes(claimed)) versions.push(claimed);
  transport.setSupportedProtocolVersions(versions);
}
