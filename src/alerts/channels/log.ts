import { z } from 'zod';
import { singleTry, type Channel, type DeliveryResult, type SendContext } from './channel.js';
import { type AlertMessage } from '../../model/notification.js';

export const logConfigSchema = z.object({}).strict();
export type LogConfig = z.output<typeof logConfigSchema>;

/**
 * A structured log line (`event: "alert"`, level by severity and state) and, when wired, an
 * `audit_log` row.
 */
export const logChannel: Channel<LogConfig> = {
  kind: 'log',
  configSchema: logConfigSchema,
  secretFields: [],
  send(_config: LogConfig, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult> {
    return singleTry('log', ctx, async () => {
      const level =
        message.state === 'resolved'
          ? 'info'
          : message.severity === 'critical'
            ? 'error'
            : message.severity === 'warning'
              ? 'warn'
              : 'info';
      ctx.deps.logger[level](
        {
          event: 'alert',
          alert: {
            state: message.state,
            notification: message.notification,
            rule: message.rule,
            server: message.server,
            metric: message.metric,
            condition: message.condition,
            value: message.value,
            threshold: message.threshold,
            severity: message.severity,
            triggered_at: message.triggered_at,
            resolved_at: message.resolved_at,
            url: message.url,
            alert_url: message.alert_url,
            ...(message.test ? { test: true } : {}),
          },
        },
        message.summary,
      );
      await ctx.deps.audit?.({
        action: `alert.${message.notification}`,
        target: message.server.id,
        details: {
          rule: message.rule,
          value: message.value,
          threshold: message.threshold,
          severity: message.severity,
        },
      });
    });
  },
};
