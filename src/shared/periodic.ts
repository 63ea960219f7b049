/**
 * Runs `run` `firstAfterMs` after start and then every `everyMs` (timers that never keep the
 * process alive); returns a function that stops it. `run` handles its own errors.
 */
export function periodic(run: () => void, everyMs: number, firstAfterMs: number): () => void {
  const timer = setInterval(run, everyMs);
  timer.unref();
  const first = setTimeout(run, firstAfterMs);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
