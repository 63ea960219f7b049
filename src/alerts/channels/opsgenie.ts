import { z } from 'zod';
import type { AlertMessage } from '../../model/notification.js';
import { alertKey, alertTitle, bySeverity, clip, factLines, mainLink } from './alert-text.js';
import { deliveryFields, endpoint, httpChannel, jsonRequest, type HttpRequest } from './http-post.js';

/** Opsgenie's documented limits (Alert API: Create Alert, Close Alert). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  source: 100,
  entity: 512,
  tags: 20,
  tag: 50,
  note: 25_000,
  /** All of `details` together. */
  details: 8000,
};

export const opsgenieConfigSchema = z
  .object({
    /** The API's address; EU accounts use https://api.eu.opsgenie.com. */
    url: endpoint('https://api.opsgenie.com'),
    /** The key of an API integration (it may create and close alerts). */
    api_key: z.string().trim().min(1).max(200),
    ...deliveryFields,
  })
  .strict();
export type OpsgenieConfig = z.output<typeof opsgenieConfigSchema>;

const SOURCE = 'mcp-health';

/** Create (firing, repeat: the same alias only counts up) or close by alias (resolved). */
export function opsgenieRequest(config: OpsgenieConfig, m: AlertMessage): HttpRequest {
  const base = config.url.replace(/\/+$/, '');
  const alias = clip(alertKey(m), OPSGENIE_LIMITS.alias);
  const auth = { authorization: `GenieKey ${config.api_key}` };
  if (m.state === 'resolved')
    return jsonRequest(
      `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      { source: SOURCE, note: clip(`${alertTitle(m)}\n${mainLink(m).url}`, OPSGENIE_LIMITS.note) },
      auth,
    );
  const body = {
    message: clip(alertTitle(m), OPSGENIE_LIMITS.message),
    alias,
    description: clip(
      `${factLines(m)}\n\n${mainLink(m).label}: ${mainLink(m).url}`,
      OPSGENIE_LIMITS.description,
    ),
    priority: bySeverity(m, { critical: 'P1', warning: 'P3', info: 'P5', resolved: 'P5' }),
    source: SOURCE,
    entity: clip(m.server.name, OPSGENIE_LIMITS.entity),
    tags: [SOURCE, m.severity, m.metric]
      .map((t) => clip(t, OPSGENIE_LIMITS.tag))
      .slice(0, OPSGENIE_LIMITS.tags),
    // Four values under a quarter of the 8000 each keep the whole map within it.
    details: Object.fromEntries(
      Object.entries({ server: m.server.id, rule: m.rule.name, url: m.url, alert_url: m.alert_url ?? '' })
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, clip(v, OPSGENIE_LIMITS.details / 4 - 32)]),
    ),
  };
  return jsonRequest(`${base}/v2/alerts`, body, auth);
}

/** Opsgenie Alert API: `Authorization: GenieKey <api_key>`; an alert is closed by its alias. */
export const opsgenieChannel = httpChannel<OpsgenieConfig>({
  kind: 'opsgenie',
  configSchema: opsgenieConfigSchema,
  secretFields: ['api_key'],
  keyed: true,
  request: opsgenieRequest,
});
