import type { Db } from '../../store/tables.js';
import { endpoints, gaugeSeries, overview, series, type GaugeMetric, type SeriesQuery } from './queries.js';
import type { MetricsRetention } from './tiers.js';
import { usage, type UsageQuery } from './usage.js';

type Range = { from: number; to: number };

/**
 * The metrics part's reads as one service (`monitor.metrics`): the API asks it for series,
 * endpoints, the overview and usage, and it knows the store, the tiers' retention and the point
 * budget — the routes hold no database handle and no setting.
 */
export class MetricsReader {
  constructor(
    private readonly db: Db,
    private readonly settings: { retention: MetricsRetention; maxPoints: number },
  ) {}

  series(q: Omit<SeriesQuery, 'maxPoints' | 'retention'>) {
    return series(this.db, { ...q, maxPoints: this.settings.maxPoints, retention: this.settings.retention });
  }

  gaugeSeries(q: Range & { serverId: string; metric: GaugeMetric }) {
    return gaugeSeries(this.db, { ...q, maxPoints: this.settings.maxPoints });
  }

  endpoints(q: Range & { serverId: string }) {
    return endpoints(this.db, { ...q, retention: this.settings.retention });
  }

  overview(q: Range) {
    return overview(this.db, { ...q, retention: this.settings.retention });
  }

  usage(q: Omit<UsageQuery, 'retention'>) {
    return usage(this.db, { ...q, retention: this.settings.retention });
  }
}
