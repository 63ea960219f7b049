/** `?format=csv` of the list routes (issue 17): the same rows as the JSON, as RFC 4180 CSV. */
import { z } from 'zod';

export const formatQuery = {
  /** `json` (the default) or `csv`: text/csv with a header row, as a download. */
  format: z.enum(['json', 'csv']).default('json'),
};

/** A CSV answer as the OpenAPI document lists it beside the JSON one. */
export const csvText = z.string().describe('text/csv; header row first, RFC 4180 quoting (with ?format=csv)');
