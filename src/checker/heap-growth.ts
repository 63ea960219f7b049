/**
 * How far V8 lets the heap grow past the live heap before its next full collection.
 *
 * Left to itself, V8 picks a factor of up to 4× from its collection and allocation speeds; a
 * monitor probing thousands of servers allocates fast, so at 10,000 servers a live heap of
 * ~150 MB grew to ~600 MB between collections. A growing factor is not a cap: the limit follows
 * the live heap, so a larger fleet is never cut short (Node's own hard limit still applies).
 * V8 reads the flag at every full collection, so setting it at start works without a restart.
 *
 * 1.3 since the checker's live heap and promotion rate shrank (sessions let the SDK client go):
 * at 5,000 servers it kept ~15 MB less RSS than 1.5 at no measurable CPU cost. (1.2 had cost
 * schedule lag when each probe still promoted ~30 KB.) The new space, 2 × 16 MB, cannot be made
 * smaller from inside the process (V8 sizes it at start): `--max-semi-space-size` is an operator's
 * flag (README, "Large fleets").
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_ENV = 'MCP_HEALTH_HEAP_GROWING_PERCENT';
export const DEFAULT_HEAP_GROWING_PERCENT = 30;
/** Node flags with which the operator has already chosen how the heap grows. */
const MEMORY_FLAG = /--(heap-growing-percent|max-old-space-size|max-heap-size|optimize-for-size)\b/;

/**
 * Sets V8's heap growing factor to `1 + percent / 100` (MCP_HEALTH_HEAP_GROWING_PERCENT, default
 * 30; 0 leaves V8's own heuristics), unless the Node flags already choose. Returns what was set.
 */
export function applyHeapGrowth(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): number | undefined {
  if (MEMORY_FLAG.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`)) return undefined;
  const raw = env[HEAP_GROWING_ENV];
  const percent = raw === undefined || raw.trim() === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000)
    throw new Error(`${HEAP_GROWING_ENV} must be a whole number from 0 to 1000, got "${raw}"`);
  if (percent === 0) return undefined;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
