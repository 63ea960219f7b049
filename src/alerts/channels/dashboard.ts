import { z } from 'zod';
import { singleTry, type Channel, type DeliveryResult, type SendContext } from './channel.js';
import { type AlertMessage } from '../../model/notification.js';

export const dashboardConfigSchema = z.object({}).strict();
export type DashboardConfig = z.output<typeof dashboardConfigSchema>;

/** Hands the message to the injected `notify`: the bell (stored with its read state, pushed live). */
export const dashboardChannel: Channel<DashboardConfig> = {
  kind: 'dashboard',
  configSchema: dashboardConfigSchema,
  secretFields: [],
  send(_config: DashboardConfig, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult> {
    return singleTry('dashboard', ctx, async () => {
      const notify = ctx.deps.notify;
      if (!notify) throw new Error('dashboard notifications are not wired');
      await notify({ title: message.summary, message });
    });
  },
};
