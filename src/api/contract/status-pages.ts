/** `/api/v1/status-pages…` (token) and `/status/<slug>`, `/badge/<server>/…` (open; issue 17). */
import { z } from 'zod';
import { statuses, type Status } from '../../model/server.js';
import { statusPageInput, statusPagePatch } from '../../model/status-page.js';
import { isoTime } from './common.js';

export { statusPageInput, statusPagePatch };

export const statusPageView = z.object({
  id: z.number().int(),
  slug: z.string(),
  title: z.string(),
  servers: z.array(z.string()).nullable(),
  tags: z.array(z.string()).nullable(),
  public: z.boolean(),
  /** Where the page is: `/status/<slug>`. */
  path: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type StatusPageView = z.infer<typeof statusPageView>;
export type StatusPageBody = z.input<typeof statusPageInput>;
export type StatusPagePatchBody = z.input<typeof statusPagePatch>;

export const statusPageList = z.object({ status_pages: z.array(statusPageView) });
export type StatusPageList = z.infer<typeof statusPageList>;

// safe because: statuses lists every Status (model/server.ts), and an enum needs a non-empty tuple.
const status = z.enum(statuses as [Status, ...Status[]]);

/** `/status/:page`: the slug, or the slug and `.json`. */
export const statusPageParams = z.object({ page: z.string().min(1).max(80) });
export const badgeParams = z.object({ server: z.string().min(1).max(255) });

/**
 * `GET /status/<slug>.json`: exactly these keys, nothing else of the monitor (no ids, URLs,
 * commands or error texts).
 */
export const publicStatusPage = z.strictObject({
  title: z.string(),
  generated_at: isoTime,
  servers: z.array(
    z.strictObject({
      name: z.string(),
      status,
      uptime_90d_percent: z.number().nullable(),
      /** 90 days, oldest first (UTC days). */
      days: z.array(z.strictObject({ date: z.string(), uptime_percent: z.number().nullable() })),
    }),
  ),
  /** Open incidents of the page's servers (empty until an incidents API exists). */
  incidents: z.array(
    z.strictObject({ title: z.string(), started_at: isoTime, servers: z.array(z.string()) }),
  ),
  /** Planned maintenance of the page's servers (empty until maintenance windows exist). */
  maintenance: z.array(z.strictObject({ server: z.string(), title: z.string(), from: isoTime, to: isoTime })),
});
export type PublicStatusPageView = z.infer<typeof publicStatusPage>;

/** The HTML page, or an SVG badge. */
export const pageText = z.string().describe('text/html (the page) or application/json (with .json)');
export const svgText = z.string().describe('image/svg+xml');
