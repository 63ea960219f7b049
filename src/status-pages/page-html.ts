import type { PublicStatusPage } from './service.js';

const esc = (t: string) =>
  t.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The words a visitor reads for each status; the colour is never the only sign. */
const WORDS: Record<string, { text: string; tone: string }> = {
  healthy: { text: 'Operational', tone: 'ok' },
  warning: { text: 'Degraded', tone: 'warn' },
  critical: { text: 'Partial outage', tone: 'bad' },
  offline: { text: 'Major outage', tone: 'down' },
  disabled: { text: 'Paused', tone: 'none' },
  unknown: { text: 'Unknown', tone: 'none' },
  maintenance: { text: 'Maintenance', tone: 'maint' },
};

const pct = (v: number | null) => (v === null ? 'no data' : `${v >= 99.995 ? '100' : v.toFixed(2)}%`);

const barTone = (v: number | null) =>
  v === null ? 'none' : v >= 99.9 ? 'ok' : v >= 99 ? 'warn' : v >= 95 ? 'bad' : 'down';

function overall(page: PublicStatusPage): { text: string; tone: string } {
  const s = page.servers.map((x) => x.status);
  if (s.includes('offline') || s.includes('critical')) return { text: 'Some systems are down', tone: 'bad' };
  if (s.includes('warning')) return { text: 'Some systems are degraded', tone: 'warn' };
  if (page.maintenance.length > 0) return { text: 'Maintenance in progress', tone: 'maint' };
  if (s.length > 0 && s.every((x) => x === 'healthy')) return { text: 'All systems operational', tone: 'ok' };
  return { text: 'Status unknown', tone: 'none' };
}

/**
 * The status page as HTML, rendered on the server from its public answer alone (so it can show
 * nothing the JSON does not), with no script: it needs no token and loads nothing else.
 */
export function statusPageHtml(page: PublicStatusPage, jsonPath: string): string {
  const head = overall(page);
  const rows = page.servers
    .map((s) => {
      const word = WORDS[s.status] ?? { text: s.status, tone: 'none' };
      const bars = s.days
        .map(
          (d) =>
            `<span class="bar ${barTone(d.uptime_percent)}" title="${d.date}: ${pct(d.uptime_percent)}"></span>`,
        )
        .join('');
      return `<li class="server">
  <div class="line"><span class="name">${esc(s.name)}</span><span class="status ${word.tone}">${word.text}</span></div>
  <div class="bars" role="img" aria-label="Daily uptime over ${s.days.length} days">${bars}</div>
  <div class="legend"><span>${s.days.length} days ago</span><span>${pct(s.uptime_90d_percent)} uptime</span><span>Today</span></div>
</li>`;
    })
    .join('\n');
  // MAINTENANCE: notes from the maintenance windows, when they give some.
  const maintenance = page.maintenance
    .map(
      (m) =>
        `<li><strong>${esc(m.title)}</strong> — ${esc(m.server)}, <time>${esc(m.from)}</time> to <time>${esc(m.to)}</time></li>`,
    )
    .join('');
  // INCIDENTS: open incidents, when an incidents API gives some.
  const incidents = page.incidents
    .map(
      (i) =>
        `<li><strong>${esc(i.title)}</strong> — ${esc(i.servers.join(', '))}, since <time>${esc(i.started_at)}</time></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)} — status</title>
<link rel="icon" href="data:,">
<link rel="alternate" type="application/json" href="${esc(jsonPath)}">
<style>
:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1b1f24;--muted:#5b6470;--card:#fff;--line:#dde1e6;
--ok:#2f9e44;--warn:#c48a00;--bad:#e8590c;--down:#d6336c;--maint:#1c7ed6;--none:#adb5bd}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#e6e9ed;--muted:#9aa4af;--card:#1a1f25;--line:#2c333b}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:860px;margin:0 auto;padding:24px 16px}h1{font-size:1.6em;margin:0 0 16px}
.banner{padding:14px 16px;border-radius:8px;color:#fff;font-weight:600;margin-bottom:20px}
.banner.ok{background:var(--ok)}.banner.warn{background:var(--warn)}.banner.bad,.banner.down{background:var(--bad)}.banner.maint{background:var(--maint)}.banner.none{background:var(--none)}
ul{list-style:none;padding:0;margin:0}.server{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin-bottom:12px}
.line{display:flex;justify-content:space-between;gap:12px;align-items:baseline;margin-bottom:8px}.name{font-weight:600;overflow-wrap:anywhere}
.status{font-weight:600;white-space:nowrap}.status.ok{color:var(--ok)}.status.warn{color:var(--warn)}.status.bad{color:var(--bad)}.status.down{color:var(--down)}.status.maint{color:var(--maint)}.status.none{color:var(--muted)}
.bars{display:flex;gap:2px;height:30px}.bar{flex:1;min-width:1px;border-radius:2px;background:var(--none)}
.bar.ok{background:var(--ok)}.bar.warn{background:var(--warn)}.bar.bad{background:var(--bad)}.bar.down{background:var(--down)}
.legend{display:flex;justify-content:space-between;color:var(--muted);font-size:.8em;margin-top:4px}
section{margin-top:24px}h2{font-size:1.1em}footer{color:var(--muted);font-size:.8em;margin-top:24px}
@media (max-width:520px){.bars{gap:1px;height:26px}}
</style></head>
<body><main>
<h1>${esc(page.title)}</h1>
<div class="banner ${head.tone}" role="status">${head.text}</div>
<ul>${rows || '<li class="server">No servers on this page.</li>'}</ul>
${maintenance ? `<section><h2>Maintenance</h2><ul>${maintenance}</ul></section>` : ''}
${incidents ? `<section><h2>Incidents</h2><ul>${incidents}</ul></section>` : ''}
<footer>Updated <time>${esc(page.generated_at)}</time> · <a href="${esc(jsonPath)}">JSON</a></footer>
</main></body></html>
`;
}
