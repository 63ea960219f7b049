/**
 * What a new alert rule gets when a field is left out: the one place both the API
 * (`rule.ts`, POST /api/v1/alerts/rules) and the dashboard's rule form read. It imports nothing,
 * so the dashboard takes it without any of the server's code.
 */
export const RULE_DEFAULTS = {
  /**
   * Seconds the condition must hold before the rule fires; 0 fires at once. "Server is Offline"
   * already means several failed checks in a row, and a figure can be given a period when made.
   */
  evaluation_period: 0,
  severity: 'warning',
  /**
   * Seconds a rule waits for more servers to fire before it notifies them together, and then
   * between the group's later updates (Alertmanager's group_wait and group_interval); a group
   * wait of 0 notifies each alert at once, on its own.
   */
  group_wait: 30,
  group_interval: 300,
} as const;
