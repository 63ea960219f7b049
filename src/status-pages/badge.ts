import type { Status } from '../model/server.js';

/** Colours of the shields.io palette, by status. */
const STATUS_COLOUR: Record<Status | 'maintenance', string> = {
  healthy: '#4c1',
  warning: '#dfb317',
  critical: '#fe7d37',
  offline: '#e05d44',
  disabled: '#9f9f9f',
  unknown: '#9f9f9f',
  maintenance: '#007ec6',
};

const escape = (t: string) =>
  t.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** Verdana 11px is about 6.5 px a character on average: shields.io's own approximation, close enough. */
const widthOf = (text: string) => Math.round(text.length * 6.5 + 10);

/** A flat shields.io-style badge: a grey label and a coloured value, both as text (never colour alone). */
export function badgeSvg(label: string, value: string, colour: string): string {
  const lw = widthOf(label);
  const vw = widthOf(value);
  const w = lw + vw;
  const l = escape(label);
  const v = escape(value);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${v}">
<title>${l}: ${v}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${colour}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lw / 2}" y="14">${l}</text>
<text x="${lw + vw / 2}" y="15" fill="#010101" fill-opacity=".3">${v}</text><text x="${lw + vw / 2}" y="14">${v}</text>
</g>
</svg>
`;
}

export const statusBadge = (status: Status): string => badgeSvg('status', status, STATUS_COLOUR[status]);

/** Uptime over 30 days: green from 99.9 %, yellow from 99 %, else red; grey with no data. */
export function uptimeBadge(percent: number | null): string {
  if (percent === null) return badgeSvg('uptime 30d', 'no data', '#9f9f9f');
  const colour = percent >= 99.9 ? '#4c1' : percent >= 99 ? '#dfb317' : '#e05d44';
  const text = percent >= 99.995 ? '100%' : `${percent.toFixed(percent >= 99 ? 2 : 1)}%`;
  return badgeSvg('uptime 30d', text, colour);
}
