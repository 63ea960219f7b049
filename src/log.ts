import pino, { type Logger } from 'pino';
import { Scrubber } from './shared/scrubber.js';

/**
 * Structured JSON logs. Secrets never reach a log line: the code logs server ids, not specs; these
 * paths are censored; and every line goes through the monitor's scrubber (`shared/scrubber.ts`)
 * before it is written, which takes out any secret value an error text or a stack carried.
 */

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  scrubber: Scrubber = new Scrubber(),
): Logger {
  return pino(
    {
      level,
      base: { app: 'mcp-health' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
      redact: {
        paths: [
          'headers',
          '*.headers',
          'env',
          '*.env',
          'password',
          '*.password',
          'api_token',
          '*.api_token',
          'secret_key',
          '*.secret_key',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'config.servers',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
