import { useCallback, useEffect, useState } from 'preact/hooks';

/**
 * Calls one operation of the API client (again when its arguments or `refresh` change, or on
 * `reload`); errors are kept for the view to show.
 */
export function useApi<A extends unknown[], T>(
  call: (...args: A) => Promise<T>,
  args: A,
  refresh?: unknown,
): {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
} {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  // The arguments are plain values: their JSON is the identity the effect follows.
  const key = JSON.stringify(args);
  useEffect(() => {
    let stale = false;
    call(...args)
      .then((d) => {
        if (stale) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stale = true;
    };
    // `call` is a stable function of the client and `args` is followed through `key`.
  }, [key, tick, refresh]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}
