import type { Status } from './api.js';

/** Most urgent first: the order of the grid's default sort and of the counts bar. */
export const statusOrder: Status[] = ['offline', 'critical', 'warning', 'unknown', 'healthy', 'disabled'];

export const statusLabel: Record<Status, string> = {
  offline: 'Offline',
  critical: 'Critical',
  warning: 'Warning',
  unknown: 'Unknown',
  healthy: 'Healthy',
  disabled: 'Disabled',
};

/** A shape beside the word and the colour, so that status never rests on colour alone. */
export const statusIcon: Record<Status, string> = {
  offline: '✖',
  critical: '▲',
  warning: '◆',
  unknown: '?',
  healthy: '●',
  disabled: '‖',
};

export const severity = (s: Status): number => statusOrder.indexOf(s);

export const isStatus = (s: string): s is Status => (statusOrder as string[]).includes(s);
