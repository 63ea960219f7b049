import { z } from 'zod';
import type { AlertMessage } from '../../model/notification.js';
import { alertKey, alertLinks, alertTitle, bySeverity, clip } from './alert-text.js';
import { deliveryFields, endpoint, httpChannel, jsonRequest } from './http-post.js';

/** PagerDuty's documented limits (Events API v2, "Send an Alert Event"). */
export const PAGERDUTY_LIMITS = { routingKey: 32, summary: 1024, dedupKey: 255 };

export const pagerdutyConfigSchema = z
  .object({
    url: endpoint('https://events.pagerduty.com/v2/enqueue'),
    /** The Integration Key of an Events API v2 integration on a service. */
    routing_key: z
      .string()
      .trim()
      .length(
        PAGERDUTY_LIMITS.routingKey,
        'the 32-character Integration Key of an Events API v2 integration',
      ),
    ...deliveryFields,
  })
  .strict();
export type PagerdutyConfig = z.output<typeof pagerdutyConfigSchema>;

/**
 * A trigger (firing, repeat: PagerDuty folds repeats into the open alert) or a resolve, both
 * with the alert instance's `dedup_key`, so the resolve closes what the trigger opened.
 */
export function pagerdutyEvent(routingKey: string, m: AlertMessage) {
  const dedup_key = clip(alertKey(m), PAGERDUTY_LIMITS.dedupKey);
  if (m.state === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: clip(alertTitle(m), PAGERDUTY_LIMITS.summary),
      source: m.server.id,
      severity: bySeverity(m, { critical: 'critical', warning: 'warning', info: 'info', resolved: 'info' }),
      timestamp: m.triggered_at,
      component: m.server.name,
      group: 'mcp-health',
      class: m.metric,
      custom_details: {
        rule: m.rule.name,
        server: m.server.name,
        metric: m.metric,
        condition: m.condition,
        threshold: m.threshold,
        value: m.value,
        triggered_at: m.triggered_at,
        ...(m.test ? { test: true } : {}),
      },
    },
    client: 'mcp-health',
    client_url: m.url,
    links: alertLinks(m).map((l) => ({ href: l.url, text: l.label })),
  };
}

/** PagerDuty Events API v2: the routing key travels in the body. */
export const pagerdutyChannel = httpChannel<PagerdutyConfig>({
  kind: 'pagerduty',
  configSchema: pagerdutyConfigSchema,
  secretFields: ['routing_key'],
  keyed: true,
  request: (config, m) => jsonRequest(config.url, pagerdutyEvent(config.routing_key, m)),
});
