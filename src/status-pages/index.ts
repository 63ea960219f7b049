/**
 * The status pages' front door (issue 17, DESIGN §14): definitions (slug, title, servers or
 * tags, public), what a page shows, its HTML, and the badges of the servers public pages show.
 */
export { StatusPages, STATUS_DAYS, type PublicStatusPage, type MaintenanceNote } from './service.js';
export { statusPageHtml } from './page-html.js';
export { statusBadge, uptimeBadge } from './badge.js';
