/** JSON columns are text on both backends; this is the one place they are read and written. */
export const toJson = (value: unknown): string => JSON.stringify(value);

export function fromJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
