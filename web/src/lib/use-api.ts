import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

/**
 * GETs `path` (again when it or `refresh` changes, or on `reload`); errors are kept for the view
 * to show.
 */
// The caller names the shape of the answer; the API is not typed end to end.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function useApi<T>(
  path: string,
  refresh?: unknown,
): {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
} {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stale = false;
    api<T>(path)
      .then((d) => {
        if (stale) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stale = true;
    };
  }, [path, tick, refresh]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}
