/** What kind of failure an error is (DESIGN §10): a request's outcome, or a failed health check. */
export const ERROR_KINDS = ['jsonrpc_error', 'tool_error', 'transport_error', 'timeout', 'probe'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
