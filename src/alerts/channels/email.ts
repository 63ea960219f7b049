import nodemailer from 'nodemailer';
import { z } from 'zod';
import { messageText } from '../message.js';
import { singleTry, type Channel, type DeliveryResult, type SendContext } from './channel.js';
import { type AlertMessage } from '../../model/notification.js';

const address = z.string().trim().min(3).max(320);

export const emailConfigSchema = z
  .object({
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65_535).default(587),
    /** true = TLS from the start (usually 465); false = STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().min(1).max(320).nullable().default(null),
    password: z.string().min(1).max(1000).nullable().default(null),
    from: address,
    to: z.union([address, z.array(address).min(1).max(100)]),
    timeout_ms: z.number().int().min(1000).max(120_000).default(15_000),
  })
  .strict()
  .refine((c) => (c.user === null) === (c.password === null), {
    error: 'give both user and password, or neither',
    path: ['password'],
  });
export type EmailConfig = z.output<typeof emailConfigSchema>;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** One message through SMTP (nodemailer), a fresh connection per send. */
export const emailChannel: Channel<EmailConfig> = {
  kind: 'email',
  configSchema: emailConfigSchema,
  secretFields: ['password'],
  send(config: EmailConfig, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult> {
    return singleTry('email', ctx, async () => {
      const transport = nodemailer.createTransport({
        host: config.host,
        port: config.port,
        secure: config.secure,
        ...(config.user !== null && config.password !== null
          ? { auth: { user: config.user, pass: config.password } }
          : {}),
        connectionTimeout: config.timeout_ms,
        greetingTimeout: config.timeout_ms,
        socketTimeout: config.timeout_ms,
      });
      try {
        const text = messageText(message);
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: `${message.test ? '[TEST] ' : ''}${message.summary} (${message.severity})`,
          text,
          html: `<pre style="font-family:monospace">${escapeHtml(text)}</pre>`,
        });
      } finally {
        transport.close();
      }
    });
  },
};
