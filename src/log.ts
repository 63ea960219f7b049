import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets never reach a log line: the code logs server ids, not specs,
 * and these paths are censored as a second line of defence.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'mcp-health' },
      timestamp: pino.stdTimeFunctions.isoTime,
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
