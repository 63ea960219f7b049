const KEY = 'mcp-health.who';

/** The name a person signs actions with (acknowledge, silence, comment), kept in this browser. */
export const who = {
  get: (): string => localStorage.getItem(KEY) ?? '',
  set: (name: string): void => localStorage.setItem(KEY, name.trim()),
};
