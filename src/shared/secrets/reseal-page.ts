import type { SecretBox } from './secret-box.js';

/** One page of a table whose secrets were resealed: its last row's id (none when the page was empty). */
export interface ResealPage<Id> {
  last: Id | undefined;
  rows: number;
  /** Values that were plaintext or sealed with another key, now sealed with the current one. */
  values: number;
}

/** `box.reseal`, counting the values it changed (a row is rewritten only when some changed). */
export function countingReseal(box: SecretBox): { apply: (stored: string) => string; count: () => number } {
  let changed = 0;
  return {
    apply(stored) {
      if (!box.needsSealing(stored)) return stored;
      changed++;
      return box.reseal(stored);
    },
    count: () => changed,
  };
}
