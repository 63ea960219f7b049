/** How checks read a server: the most of one answer, the Via entry, whether stdio servers restart. */
import type { AnswerLimit } from '../shared/answer-limit.js';

export interface ProbeOptions {
  /** The most read of any one answer (`max_probe_response_bytes`). */
  answerLimit: AnswerLimit;
  /** The Via entry every HTTP request of the checks carries (shared/loop-guard.ts). */
  via?: string | undefined;
  /** A stdio server that exits is started again (the monitor); not for a one-off check. */
  restartStdio?: boolean;
}

export const DEFAULT_PROBE_OPTIONS: ProbeOptions = {
  answerLimit: { bytes: 1024 * 1024, setting: 'max_probe_response_bytes' },
};
