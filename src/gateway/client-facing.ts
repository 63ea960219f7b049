/** Reading the client's HTTP request on the gateway's client-facing side. */
import type { IncomingMessage } from 'node:http';

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
