import { z } from 'zod';
import type { AlertMessage, ChannelKind, DeliveryAttempt } from '../../model/notification.js';
import type { Channel, DeliveryResult, SendContext } from './channel.js';
import { mapStrings } from '../../shared/text.js';
import { channelFieldsSchema } from '../../model/notification.js';
import { errorText } from './channel.js';
import { dashboardChannel } from './dashboard.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { googleChatChannel } from './google-chat.js';
import { logChannel } from './log.js';
import { mattermostChannel } from './mattermost.js';
import { msteamsChannel } from './msteams.js';
import { ntfyChannel } from './ntfy.js';
import { opsgenieChannel } from './opsgenie.js';
import { pagerdutyChannel } from './pagerduty.js';
import { pushoverChannel } from './pushover.js';
import { slackChannel } from './slack.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/** Every kind of channel, one file each. */
export const channelRegistry = {
  email: emailChannel,
  webhook: webhookChannel,
  dashboard: dashboardChannel,
  log: logChannel,
  slack: slackChannel,
  discord: discordChannel,
  msteams: msteamsChannel,
  pagerduty: pagerdutyChannel,
  opsgenie: opsgenieChannel,
  telegram: telegramChannel,
  ntfy: ntfyChannel,
  mattermost: mattermostChannel,
  google_chat: googleChatChannel,
  pushover: pushoverChannel,
} satisfies Record<ChannelKind, Channel<unknown>>;

/** Whether a kind keeps one incident per alert, so a group goes to it one alert at a time. */
export const isKeyed = (kind: ChannelKind): boolean =>
  (channelRegistry[kind] as Channel<unknown>).keyed === true;

/** `POST /api/v1/alerts/channels` body; `config` is checked against the kind's own schema. */
export const channelInputSchema = channelFieldsSchema.superRefine((c, ctx) => {
  const parsed = channelRegistry[c.kind].configSchema.safeParse(c.config);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const path = ['config', ...issue.path.map(String)];
      // An unknown key is named itself (`config.extra`), as at the top level.
      if (issue.code === 'unrecognized_keys')
        for (const key of issue.keys)
          ctx.addIssue({ code: 'custom', path: [...path, key], message: 'unknown field' });
      else ctx.addIssue({ code: 'custom', path, message: issue.message });
    }
});
export type ChannelInput = z.output<typeof channelInputSchema>;

/** A configured channel, as the dispatcher needs it. `config` is raw (validated on send). */
export interface ChannelTarget {
  id: number;
  kind: ChannelKind;
  config: unknown;
}

export interface TargetResult extends DeliveryResult {
  channel_id: number;
  kind: ChannelKind;
}

/** Validates the config for its kind, then sends; never throws. */
export async function sendTo(
  target: ChannelTarget,
  message: AlertMessage,
  ctx: SendContext,
): Promise<DeliveryResult> {
  // The registry's entries differ in config type; the schema of the same entry produced `config`.
  const channel = channelRegistry[target.kind] as Channel<unknown>;
  const parsed = channel.configSchema.safeParse(target.config ?? {});
  if (!parsed.success) {
    const error = `invalid ${target.kind} config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`;
    ctx.onAttempt?.({
      kind: target.kind,
      try: 1,
      outcome: 'error',
      error,
      started_at: Date.now(),
      duration_ms: 0,
    });
    return { ok: false, tries: 1, error };
  }
  try {
    return await channel.send(parsed.data, message, ctx);
  } catch (e) {
    // Channels report failures as results; this is a last line of defence.
    return { ok: false, tries: 1, error: errorText(e) };
  }
}

/**
 * Sends one message to every target at once. A slow or failing channel never blocks or
 * fails the others; every try is reported with its channel id.
 */
export async function dispatch(
  targets: readonly ChannelTarget[],
  message: AlertMessage,
  deps: SendContext['deps'],
  onAttempt?: (channelId: number, a: DeliveryAttempt) => void,
): Promise<TargetResult[]> {
  const scrub = deps.scrub ?? ((text: string) => text);
  // safe because: mapStrings keeps the shape and changes strings only.
  const clean = mapStrings(message, scrub) as AlertMessage;
  const scrubbed = <T extends { error: string | null }>(r: T): T =>
    r.error === null ? r : { ...r, error: scrub(r.error) };
  return Promise.all(
    targets.map(async (t) => {
      const report = onAttempt && ((a: DeliveryAttempt) => onAttempt(t.id, scrubbed(a)));
      const r = await sendTo(t, clean, { deps, onAttempt: report });
      return { ...scrubbed(r), channel_id: t.id, kind: t.kind };
    }),
  );
}
