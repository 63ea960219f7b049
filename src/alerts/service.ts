/**
 * The alerts part's front door for the API: rules, channels, the alerts firing now, history and
 * what people do about it, silences, and the dashboard's bell — the rules of each (a rule from
 * the config file is read-only here; a change is evaluated at once; an action names who did it),
 * over the part's repositories. It owns the evaluator, and starts and stops it.
 */
import type { AckInput, CommentInput, SilenceActionInput } from '../model/alert-action.js';
import { seriesProblem, type AlertRule, type RuleInput, type RulePatch } from '../model/alert-rule.js';
import type { SilenceInput } from '../model/silence.js';
import type { Scrubber } from '../shared/scrubber.js';
import { AppError, notFound, validationError } from '../shared/errors.js';
import { iso } from '../shared/iso-time.js';
import { ChannelService } from './channel-service.js';
import { rulesRepo } from './config-repo.js';
import { AlertEvaluator, type EvaluatorDeps } from './evaluator.js';
import { statesRepo } from './history-repo.js';
import { addAction, historyDetail, listHistory } from './history-view.js';
import { dashboardNotificationsRepo } from './notifications-repo.js';
import { applyRulePatch } from './rule.js';
import { silencesRepo, silenceView } from './silences.js';

export interface AlertsDeps extends EvaluatorDeps {
  /** Told each channel's secrets while the channel exists. */
  scrubber: Scrubber;
}

/** Which history entries: by server, rule, state and [from, to), newest first. */
export interface HistoryFilter {
  server?: string | undefined;
  rule?: number | undefined;
  state?: 'firing' | 'resolved' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

export class AlertsService {
  readonly channels: ChannelService;
  private evaluator: AlertEvaluator | undefined;

  constructor(private readonly deps: AlertsDeps) {
    const { baseUrl } = deps;
    this.channels = new ChannelService({
      ...deps,
      baseUrl: typeof baseUrl === 'string' ? () => baseUrl : baseUrl,
    });
  }

  /** Loads the channels and (unless `evaluate` is false: several instances, the leader's job) evaluates. */
  async start(options: { evaluate?: boolean } = {}): Promise<void> {
    await this.channels.load();
    if (options.evaluate !== false) await this.startEvaluating();
  }

  /** Starts evaluating the rules, from the states in the store (a new leader takes over from them). */
  async startEvaluating(): Promise<void> {
    if (this.evaluator) return;
    const evaluator = new AlertEvaluator(this.deps);
    this.evaluator = evaluator;
    await evaluator.start();
  }

  /** Stops evaluating, then waits a while for deliveries still retrying. */
  async stop(): Promise<void> {
    const evaluator = this.evaluator;
    this.evaluator = undefined;
    await evaluator?.stop();
  }

  /** Evaluates every rule now (after any evaluation in progress); nothing where this instance does not evaluate. */
  async evaluateNow(serverId?: string): Promise<void> {
    await this.evaluator?.evaluateNow(serverId);
  }

  readonly rules = {
    list: (): Promise<AlertRule[]> => rulesRepo.list(this.deps.db),
    get: async (id: number): Promise<AlertRule> =>
      (await rulesRepo.get(this.deps.db, id)) ?? Promise.reject(notFound('rule', String(id))),
    create: async (input: RuleInput): Promise<AlertRule> => {
      const created = await rulesRepo.insert(this.deps.db, input, Date.now());
      this.changed();
      return created;
    },
    update: async (id: number, patch: RulePatch): Promise<AlertRule> => {
      const before = editable(await this.rules.get(id));
      // a metric changed to or from anomaly_score takes its series along unless the patch says
      const series = patch.metric !== undefined && patch.series === undefined ? { series: null } : {};
      const next = applyRulePatch(before, { ...series, ...patch }, Date.now());
      const problem = seriesProblem(next);
      if (problem) throw validationError([{ field: 'series', message: problem }]);
      await rulesRepo.update(this.deps.db, next);
      this.changed();
      return next;
    },
    delete: async (id: number): Promise<void> => {
      editable(await this.rules.get(id));
      await rulesRepo.delete(this.deps.db, id);
      this.changed();
    },
  };

  /** The alert instances firing now, with their rule's name, metric and severity. */
  async active() {
    const { db } = this.deps;
    const states = (await statesRepo.list(db)).filter((s) => s.state.state === 'firing');
    const rules = new Map((await rulesRepo.list(db)).map((r) => [r.id, r]));
    return states.map((s) => ({
      rule_id: s.ruleId,
      rule_name: rules.get(s.ruleId)?.name ?? null,
      metric: rules.get(s.ruleId)?.metric ?? null,
      severity: rules.get(s.ruleId)?.severity ?? null,
      server_id: s.serverId,
      history_id: s.historyId,
      value: s.state.value,
      fired_at: iso(s.state.firedAt),
      active_since: iso(s.state.activeSince),
    }));
  }

  readonly history = {
    list: (f: HistoryFilter) =>
      listHistory(this.deps.db, {
        ...f,
        from: f.from === undefined ? undefined : Date.parse(f.from),
        to: f.to === undefined ? undefined : Date.parse(f.to),
      }),
    get: (id: number) => historyDetail(this.deps.db, id),
    /** Each action names who did it: `by` when given, else the caller. */
    acknowledge: (id: number, body: AckInput, actor: string) =>
      this.act(id, { action: 'ack', by: body.by ?? actor, comment: body.comment ?? null, until: null }),
    silence: (id: number, body: SilenceActionInput, actor: string) =>
      this.act(id, {
        action: 'silence',
        by: body.by ?? actor,
        comment: body.comment ?? null,
        until: Date.parse(body.until),
      }),
    comment: (id: number, body: CommentInput, actor: string) =>
      this.act(id, { action: 'comment', by: body.by ?? actor, comment: body.text, until: null }),
  };

  readonly silences = {
    list: async () => {
      const now = Date.now();
      return (await silencesRepo.list(this.deps.db)).map((s) => silenceView(s, now));
    },
    create: async (input: SilenceInput, actor: string) => {
      const { db } = this.deps;
      if (input.rule_id !== null && !(await rulesRepo.get(db, input.rule_id)))
        throw validationError([{ field: 'rule_id', message: `no rule ${input.rule_id}` }]);
      const now = Date.now();
      const created = await silencesRepo.insert(db, {
        rule_id: input.rule_id,
        server_id: input.server_id,
        tag: input.tag,
        starts_at: input.starts_at === undefined ? now : Date.parse(input.starts_at),
        ends_at: Date.parse(input.ends_at),
        comment: input.comment,
        by: input.by ?? actor,
        created_at: now,
      });
      return silenceView(created, now);
    },
    delete: async (id: number): Promise<void> => {
      if (!(await silencesRepo.delete(this.deps.db, id))) throw notFound('silence', String(id));
    },
  };

  /** The dashboard's bell. */
  readonly notifications = {
    list: async (limit: number) => {
      const { db } = this.deps;
      const [notifications, unread] = await Promise.all([
        dashboardNotificationsRepo.list(db, limit),
        dashboardNotificationsRepo.unread(db),
      ]);
      return { notifications, unread };
    },
    markRead: async (ids: readonly number[] | 'all') => {
      const { db } = this.deps;
      const marked = await dashboardNotificationsRepo.markRead(db, ids);
      return { marked, unread: await dashboardNotificationsRepo.unread(db) };
    },
  };

  private act(id: number, action: Parameters<typeof addAction>[2]) {
    return addAction(this.deps.db, id, action, Date.now());
  }

  /** A rule change takes effect at once (a narrowed rule resolves what it no longer covers). */
  private changed(): void {
    void this.evaluator?.evaluateNow();
  }
}

/** Rules from the config file's `alert_rules` change there, not through the API. */
function editable(rule: AlertRule): AlertRule {
  if (rule.source === 'config')
    throw new AppError(
      'conflict',
      `rule "${rule.name}" is declared in the config file (alert_rules); change it there`,
    );
  return rule;
}
