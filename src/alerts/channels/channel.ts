import type { Logger } from 'pino';
import type { z } from 'zod';
import type { NotificationKind } from '../state-machine.js';
import type { AlertCondition, AlertMetric, Severity } from '../rule.js';

export const CHANNEL_KINDS = ['email', 'webhook', 'dashboard', 'log'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/**
 * What every channel sends: one notification of one alert instance. Field names are the
 * webhook's JSON body (issue 5), times are ISO strings as everywhere in the API.
 */
export interface AlertMessage {
  rule: { id: number; name: string };
  server: { id: string; name: string };
  /** `repeat` notifications go out as `firing`; `notification` tells them apart. */
  state: 'firing' | 'resolved';
  notification: NotificationKind;
  metric: AlertMetric;
  condition: AlertCondition;
  value: number | null;
  threshold: number;
  severity: Severity;
  triggered_at: string;
  resolved_at: string | null;
  /** When this notification was produced. */
  sent_at: string;
  /** The server in the dashboard (at `public_url`). */
  url: string;
  /** This alert's entry in the dashboard's history; null for a test notification. */
  alert_url: string | null;
  /** One line for subjects and lists: "[FIRING] Error rate above 5% on chaos". */
  summary: string;
  /** Set for "send test notification". */
  test?: boolean;
}

/** One delivery try, reported as it ends (for `alert_notifications`). */
export interface DeliveryAttempt {
  kind: ChannelKind;
  /** 1-based. */
  try: number;
  outcome: 'ok' | 'error';
  error: string | null;
  /** HTTP status for webhooks. */
  status?: number;
  started_at: number;
  duration_ms: number;
}

export interface DeliveryResult {
  ok: boolean;
  tries: number;
  error: string | null;
}

/** What is put in the dashboard's bell: a title and the alert message. */
export interface NotificationInput {
  title: string;
  message: AlertMessage;
}

/** A notification in the dashboard's bell, as stored (alerts/notifications-repo.ts) and pushed live. */
export interface DashboardNotification extends NotificationInput {
  id: number;
  at: string;
  read: boolean;
  /** The alert's history entry; null for a test notification. */
  history_id: number | null;
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
