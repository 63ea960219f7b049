/** Request figures over a recent window, from memory (DESIGN §3: the grid's 1-min response time, 5-min error rate). */
export interface LiveFigures {
  requests: number;
  rps: number;
  /** Average request latency; null without requests. */
  avgLatencyMs: number | null;
  /** Failed requests (tool errors included) / requests, %; null without requests. */
  errorRatePercent: number | null;
}

export const SLOTS = 300; // one per second: the 5-minute window

/**
 * One server's last five minutes as a ring of one-second slots: O(1) to add to, 300 slots to
 * read. A request is placed at the second it completed (start + latency).
 */
export class LiveWindow {
  private readonly second = new Float64Array(SLOTS).fill(-1);
  private readonly count = new Float64Array(SLOTS);
  private readonly failed = new Float64Array(SLOTS);
  private readonly sumMs = new Float64Array(SLOTS);
  lastSecond = -1;

  add(second: number, nowSecond: number, failed: boolean, latencyMs: number): void {
    const s = Math.min(second, nowSecond);
    if (s <= nowSecond - SLOTS) return;
    const i = s % SLOTS;
    if (this.second[i] !== s) {
      this.second[i] = s;
      this.count[i] = 0;
      this.failed[i] = 0;
      this.sumMs[i] = 0;
    }
    this.count[i] = (this.count[i] ?? 0) + 1;
    if (failed) this.failed[i] = (this.failed[i] ?? 0) + 1;
    this.sumMs[i] = (this.sumMs[i] ?? 0) + latencyMs;
    if (s > this.lastSecond) this.lastSecond = s;
  }

  /** Figures over the `seconds` seconds that end with `nowSecond` (included). */
  figures(nowSecond: number, seconds: number): LiveFigures {
    let requests = 0;
    let failed = 0;
    let sum = 0;
    for (let i = 0; i < SLOTS; i++) {
      const s = this.second[i] ?? -1;
      if (s <= nowSecond - seconds || s > nowSecond) continue;
      requests += this.count[i] ?? 0;
      failed += this.failed[i] ?? 0;
      sum += this.sumMs[i] ?? 0;
    }
    return {
      requests,
      rps: requests / seconds,
      avgLatencyMs: requests > 0 ? sum / requests : null,
      errorRatePercent: requests > 0 ? (failed / requests) * 100 : null,
    };
  }
}
