/**
 * The SDK's JSONRPCMessageSchema, checked by hand: what a message must be to cross a stdio pipe
 * (a client's, on its way to a server through the gateway; a server's line on stdout). The SDK
 * parses every message with that zod schema, which cost more than the rest of forwarding one.
 * The rules are the schema's: no keys beyond the envelope's, integer or string ids, params an
 * object whose `_meta` (when present) is an object with a string or integer `progressToken` and
 * a `related-task` with a string `taskId`; a result an object; an error with an integer `code`
 * and a string `message`, and an id (when present) that is an id. (The schema's nested objects
 * are not strict: their extra keys pass.)
 */
import { isObject } from './json-rpc.js';

const RELATED_TASK = 'io.modelcontextprotocol/related-task';

const isId = (v: unknown): boolean => typeof v === 'string' || Number.isInteger(v);

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const key in o) if (!allowed.includes(key)) return false;
  return true;
}

function paramsOk(params: unknown): boolean {
  if (params === undefined) return true;
  if (!isObject(params)) return false;
  const meta = params._meta;
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  if (meta.progressToken !== undefined && !isId(meta.progressToken)) return false;
  const task = meta[RELATED_TASK];
  if (task === undefined) return true;
  return isObject(task) && typeof task.taskId === 'string';
}

const REQUEST_KEYS = ['jsonrpc', 'id', 'method', 'params'] as const;
const NOTIFICATION_KEYS = ['jsonrpc', 'method', 'params'] as const;
const RESULT_KEYS = ['jsonrpc', 'id', 'result'] as const;
const ERROR_KEYS = ['jsonrpc', 'id', 'error'] as const;

/** Whether the SDK's JSONRPCMessageSchema would accept the value. */
export function conformsToSchema(m: unknown): boolean {
  if (!isObject(m) || m.jsonrpc !== '2.0') return false;
  if (typeof m.method === 'string') {
    if (!paramsOk(m.params)) return false;
    return 'id' in m ? isId(m.id) && onlyKeys(m, REQUEST_KEYS) : onlyKeys(m, NOTIFICATION_KEYS);
  }
  if ('result' in m) return isId(m.id) && isObject(m.result) && onlyKeys(m, RESULT_KEYS);
  const error = m.error;
  if (!isObject(error) || !onlyKeys(m, ERROR_KEYS)) return false;
  if (m.id !== undefined && !isId(m.id)) return false;
  return Number.isInteger(error.code) && typeof error.message === 'string';
}
