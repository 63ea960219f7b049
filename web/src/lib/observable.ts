import { useEffect, useState } from 'preact/hooks';

/** A value that views can watch; the few lines of state management the dashboard needs. */
export class Observable<T> {
  private readonly listeners = new Set<(v: T) => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const l of this.listeners) l(value);
  }

  subscribe(listener: (v: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Re-renders the component when the observable changes. */
export function useObservable<T>(o: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => o.subscribe(() => setTick((n) => n + 1)), [o]);
  return o.get();
}

const clock = new Observable(Date.now());
let clockTimer: ReturnType<typeof setInterval> | undefined;

/** The current time, ticking every second while any component watches it (for "12 s ago"). */
export function useNow(): number {
  useEffect(() => {
    clockTimer ??= setInterval(() => clock.set(Date.now()), 1000);
  }, []);
  return useObservable(clock);
}
