/** Windows of time as people write them (`5m`, `24h`, `30d`): parsing and the bounds every reader applies. */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest window any uptime question may cover (the day roll-ups are kept 400 days). */
export const MAX_WINDOW_MS = 400 * UNIT_MS.d;

/** `24h` → 86,400,000; null for anything that is not a whole number of minutes, hours or days. */
export function windowMs(text: string): number | null {
  const m = /^([1-9][0-9]{0,5})([mhd])$/.exec(text);
  if (!m) return null;
  // safe because: the regex captured a unit of UNIT_MS.
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** The windows the servers list and the uptime route answer when none are asked for. */
export const DEFAULT_WINDOWS = ['24h', '7d', '30d', '90d'] as const;
