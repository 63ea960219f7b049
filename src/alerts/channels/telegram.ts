import { z } from 'zod';
import type { AlertMessage } from '../../model/notification.js';
import { alertLinks, alertTitle, clip, escapeMarkup, factLines } from './alert-text.js';
import { deliveryFields, endpoint, httpChannel, jsonRequest } from './http-post.js';

/** Telegram's documented limits (Bot API, sendMessage: "1-4096 characters after entities parsing"). */
export const TELEGRAM_LIMITS = { text: 4096, title: 256 };

export const telegramConfigSchema = z
  .object({
    url: endpoint('https://api.telegram.org'),
    /** From @BotFather: `<bot id>:<secret>`. */
    bot_token: z
      .string()
      .trim()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token as @BotFather gives it: <digits>:<letters>'),
    /** A chat's id (groups and channels are negative) or a public channel's `@username`. */
    chat_id: z.union([
      z.number().int(),
      z
        .string()
        .trim()
        .regex(/^(-?\d+|@\w{4,})$/, 'a chat id or @channelusername'),
    ]),
    ...deliveryFields,
  })
  .strict();
export type TelegramConfig = z.output<typeof telegramConfigSchema>;

/** sendMessage in HTML mode: the title in bold, the facts, the dashboard links; no link preview. */
export function telegramMessage(chatId: number | string, m: AlertMessage) {
  const links = alertLinks(m)
    .map((l) => `<a href="${escapeMarkup(l.url).replace(/"/g, '&quot;')}">${escapeMarkup(l.label)}</a>`)
    .join(' · ');
  // The limit counts visible characters: the title and facts are cut, the links' labels are short.
  const room = TELEGRAM_LIMITS.text - TELEGRAM_LIMITS.title - 64;
  const text = `<b>${escapeMarkup(clip(alertTitle(m), TELEGRAM_LIMITS.title))}</b>\n\n${escapeMarkup(clip(factLines(m), room))}\n\n${links}`;
  return { chat_id: chatId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
}

/** Telegram Bot API: the bot token is part of the path (`/bot<token>/sendMessage`). */
export const telegramChannel = httpChannel<TelegramConfig>({
  kind: 'telegram',
  configSchema: telegramConfigSchema,
  secretFields: ['bot_token'],
  request: (config, m) =>
    jsonRequest(
      `${config.url.replace(/\/+$/, '')}/bot${config.bot_token}/sendMessage`,
      telegramMessage(config.chat_id, m),
    ),
});
