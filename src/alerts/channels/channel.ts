import type { Logger } from 'pino';
import type { z } from 'zod';
import type {
  AlertMessage,
  ChannelKind,
  DeliveryAttempt,
  NotificationInput,
} from '../../model/notification.js';

export interface DeliveryResult {
  ok: boolean;
  tries: number;
  error: string | null;
}

/** What channels need from the monitor; injected so that each is testable alone. */
export interface ChannelDeps {
  logger: Logger;
  /** The dashboard channel's sink: the bell (stored, then pushed to the live hub). */
  notify?: (n: NotificationInput) => void | Promise<void>;
  /** The log channel's audit row, when wired. */
  audit?: (row: { action: string; target: string; details: unknown }) => void | Promise<void>;
  /** Webhook retry pacing: first wait, doubled each try up to the cap. */
  backoff?: { baseMs: number; maxMs: number };
  /** Takes secrets out of what is sent and recorded (the monitor's scrubber). */
  scrub?: (text: string) => string;
  /** Clock and sleep, replaceable in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SendContext {
  deps: ChannelDeps;
  onAttempt?: ((a: DeliveryAttempt) => void) | undefined;
}

/**
 * A kind of channel: how its `config` is validated and how a message is sent. `send` never
 * throws: a failure is a result (and an attempt), so one channel cannot block another.
 */
export interface Channel<C> {
  kind: ChannelKind;
  configSchema: z.ZodType<C>;
  /** Config fields that are secrets (redacted in API answers and logs). */
  secretFields: readonly string[];
  /**
   * The provider keeps one incident per alert (`alertKey`: PagerDuty's dedup_key, Opsgenie's
   * alias), so a grouped notification goes to it as one message per alert: each resolve then
   * closes exactly the incident its trigger opened.
   */
  keyed?: boolean;
  send(config: C, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult>;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs one try and reports it; used by channels that try once. */
export async function singleTry(
  kind: ChannelKind,
  ctx: SendContext,
  attempt: () => Promise<void>,
): Promise<DeliveryResult> {
  const now = ctx.deps.now ?? Date.now;
  const started = now();
  let error: string | null = null;
  try {
    await attempt();
  } catch (e) {
    error = errorText(e);
  }
  ctx.onAttempt?.({
    kind,
    try: 1,
    outcome: error === null ? 'ok' : 'error',
    error,
    started_at: started,
    duration_ms: now() - started,
  });
  return { ok: error === null, tries: 1, error };
}
