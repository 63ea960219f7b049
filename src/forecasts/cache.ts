/**
 * Forecasts kept for the hour they were made in: the history they are fitted on changes by one
 * point an hour, so a second request within the hour (the dashboard's refresh, another viewer)
 * costs a map lookup. Requests that arrive while the first is being fitted share its fit. A failed
 * fit is not kept. At most `max` entries, the least recently made dropped first.
 */
export class HourCache<V> {
  private readonly entries = new Map<string, { hour: number; value: Promise<V> }>();

  constructor(private readonly max = 1000) {}

  get(key: string, hour: number, make: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit?.hour === hour) return hit.value;
    const value = make();
    this.entries.delete(key);
    this.entries.set(key, { hour, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}
