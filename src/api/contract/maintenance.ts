/** Maintenance windows (issue 17): `/api/v1/maintenance`. */
import { z } from 'zod';
import { isoTime } from './common.js';
import { recurrenceSchema } from '../../model/maintenance.js';

export {
  maintenanceInputSchema as maintenanceInput,
  maintenancePatchSchema as maintenancePatch,
} from '../../model/maintenance.js';
export type { MaintenanceInput, MaintenancePatch } from '../../model/maintenance.js';

export const maintenanceView = z.object({
  id: z.number().int(),
  title: z.string(),
  /** Server ids, or null when the window is by tags. */
  servers: z.array(z.string()).nullable(),
  tags: z.array(z.string()).nullable(),
  /** The first start. */
  starts_at: isoTime,
  /** The end of the first occurrence. */
  ends_at: isoTime,
  duration_minutes: z.number().int(),
  /** null: once; `{ rrule }` or `{ cron }`, read in `time_zone`. */
  recurrence: recurrenceSchema,
  time_zone: z.string(),
  /** `config`: from the config file's `maintenance:` (read-only here). */
  source: z.enum(['api', 'config']),
  by: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
  /** Whether an occurrence is in force now. */
  active: z.boolean(),
  /** The occurrence in force now, else the next within a year; null when none is left. */
  occurrence: z.object({ starts_at: isoTime, ends_at: isoTime }).nullable(),
});
export type MaintenanceView = z.infer<typeof maintenanceView>;
export const maintenanceList = z.object({ maintenance: z.array(maintenanceView) });
export type MaintenanceList = z.infer<typeof maintenanceList>;

/** What a server view carries while the server is in maintenance. */
export const serverMaintenance = z.object({ id: z.number().int(), title: z.string(), until: isoTime });
