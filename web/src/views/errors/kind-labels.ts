import type { ErrorKind } from '../../lib/api.js';

/** How each kind of error is named on the page. */
export const kindLabels: Record<ErrorKind, string> = {
  jsonrpc_error: 'JSON-RPC error',
  tool_error: 'tool error',
  transport_error: 'transport',
  timeout: 'timeout',
  probe: 'health check',
};
