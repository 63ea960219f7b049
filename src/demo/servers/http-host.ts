import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http server that can be closed and re-opened on the same port (the chaos server's "down" phase). */
export interface HttpHost {
  readonly port: number;
  readonly host: string;
  isListening(): boolean;
  /** Stop accepting connections and drop the open ones, so clients see the server as gone. */
  pause(): Promise<void>;
  /** Listen again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shut(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startHttpHost(
  listener: RequestListener,
  port = 0,
  host = '127.0.0.1',
): Promise<HttpHost> {
  let server = createServer(listener);
  const boundPort = await listen(server, port, host);
  let closed = false;
  return {
    port: boundPort,
    host,
    isListening: () => server.listening,
    pause: () => shut(server),
    async resume() {
      if (closed || server.listening) return;
      server = createServer(listener);
      await listen(server, boundPort, host);
    },
    async close() {
      closed = true;
      await shut(server);
    },
  };
}

/** Wraps a handler so a rejected promise answers 500 instead of leaving the request hanging. */
export function safeListener(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): RequestListener {
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : 'internal error');
    });
  };
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMainModule(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

/** Standalone runner: start, print `listening <url>` on stdout, and shut down on SIGTERM/SIGINT. */
export async function runStandalone(
  start: () => Promise<{ url: string; close(): Promise<void> }>,
): Promise<void> {
  const running = await start();
  process.stdout.write(`listening ${running.url}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 2_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export function envPort(): number {
  const raw = process.env.PORT;
  const port = raw === undefined || raw === '' ? 0 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid PORT: ${String(raw)}`);
  return port;
}
