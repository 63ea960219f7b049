import { withBase } from './base.js';
import { qs, request } from './http.js';
import type {
  ActiveAlerts,
  AnomalyAnswer,
  CapacityAnswer,
  ForecastAnswer,
  AlertRule,
  AuditList,
  LoginInput,
  MeView,
  TokenCreated,
  TokenInput,
  TokenList,
  UserInput,
  UserList,
  UserPatch,
  UserView,
  ChannelInput,
  ChannelList,
  ChannelTestResult,
  ChannelView,
  CheckNowResult,
  DisableBody,
  EndpointTable,
  ErrorGroup,
  ErrorGroupDetail,
  ErrorList,
  ErrorListQuery,
  ErrorTrend,
  FederatedView,
  FederationMetrics,
  GroupPatch,
  GaugeSeries,
  ChangeList,
  Incident,
  IncidentDetail,
  IncidentList,
  IncidentListQuery,
  IncidentPatch,
  WindowAnalysis,
  HistoryDetail,
  HistoryList,
  ImportBody,
  ImportReport,
  Info,
  MaintenanceList,
  MaintenanceView,
  MarkReadResult,
  NotificationList,
  RuleList,
  ServerList,
  ServerLogs,
  ServerView,
  SilenceList,
  SilenceView,
  TrafficSeries,
  UsageReport,
  FleetUptime,
  ServerUptimeView,
  StatusPageBody,
  StatusPageList,
  StatusPagePatchBody,
  StatusPageView,
} from '../../../src/api/contract/index.js';

/**
 * The API, one typed function per operation: the only place in the dashboard that knows a URL.
 * Views call these; every shape is the server's own, imported from its contract (src/api/contract),
 * and re-exported below under the names the views use.
 */

const path = (...parts: (string | number)[]) =>
  `/api/v1/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
const post = <T>(url: string, body?: unknown) => request<T>(url, { method: 'POST', body });
const patch = <T>(url: string, body: unknown) => request<T>(url, { method: 'PATCH', body });
const remove = (url: string) => request<undefined>(url, { method: 'DELETE' });

// A type alias (not an interface) so that it fits `qs`'s record.
export type Range = {
  from: number;
  to: number;
};

export const api = {
  info: () => request<Info>(path('info')),

  servers: {
    list: () => request<ServerList>(path('servers')),
    get: (id: string) => request<ServerView>(path('servers', id)),
    create: (body: Record<string, unknown>) => post<ServerView>(path('servers'), body),
    remove: (id: string) => remove(path('servers', id)),
    import: (body: ImportBody) => post<ImportReport>(path('servers', 'import'), body),
    check: (id: string) => post<CheckNowResult>(path('servers', id, 'check')),
    disable: (id: string, body: DisableBody) => post<ServerView>(path('servers', id, 'disable'), body),
    enable: (id: string) => post<ServerView>(path('servers', id, 'enable')),
    logs: (id: string, limit: number) =>
      request<ServerLogs>(`${path('servers', id, 'logs')}${qs({ limit })}`),
    series: (id: string, q: Range & { metric: string; endpoint?: string | null; compare?: string | null }) =>
      request<TrafficSeries>(`${path('servers', id, 'metrics')}${qs(q)}`),
    gauge: (id: string, q: Range & { metric: 'active_connections' | 'cpu' | 'memory' }) =>
      request<GaugeSeries>(`${path('servers', id, 'metrics')}${qs(q)}`),
    endpoints: (id: string, q: Range) =>
      request<EndpointTable>(`${path('servers', id, 'endpoints')}${qs(q)}`),
    anomalies: (id: string, q: Range & { metric: 'requests' | 'p95' | 'error_rate' }) =>
      request<AnomalyAnswer>(`${path('servers', id, 'anomalies')}${qs(q)}`),
  },

  /** A server's forecast (`server`), else the fleet's. */
  forecast: (q: { server?: string; metric: string; horizon: string }) => {
    const { server, ...query } = q;
    return request<ForecastAnswer>(
      `${server ? path('servers', server, 'forecast') : path('forecast')}${qs(query)}`,
    );
  },

  capacity: () => request<CapacityAnswer>(path('capacity')),

  usage: (q: Range & { server?: string; limit: number; time_zone: string }) => {
    const { server, ...query } = q;
    return request<UsageReport>(`${server ? path('servers', server, 'usage') : path('usage')}${qs(query)}`);
  },

  alerts: {
    active: () => request<ActiveAlerts>(path('alerts', 'active')),
    rules: {
      list: () => request<RuleList>(path('alerts', 'rules')),
      create: (body: Record<string, unknown>) => post<AlertRule>(path('alerts', 'rules'), body),
      update: (id: number, body: Record<string, unknown>) =>
        patch<AlertRule>(path('alerts', 'rules', id), body),
      remove: (id: number) => remove(path('alerts', 'rules', id)),
    },
    channels: {
      list: () => request<ChannelList>(path('alerts', 'channels')),
      create: (body: ChannelInput) => post<ChannelView>(path('alerts', 'channels'), body),
      remove: (id: number) => remove(path('alerts', 'channels', id)),
      test: (id: number) => post<ChannelTestResult>(path('alerts', 'channels', id, 'test')),
    },
    history: {
      list: (q: { server?: string | null; rule?: string | null; state?: string | null; limit: number }) =>
        request<HistoryList>(`${path('alerts', 'history')}${qs(q)}`),
      get: (id: number) => request<HistoryDetail>(path('alerts', 'history', id)),
      act: (id: number, action: 'ack' | 'silence' | 'comment', body: Record<string, unknown>) =>
        post<unknown>(path('alerts', 'history', id, action), body),
    },
    silences: {
      list: () => request<SilenceList>(path('alerts', 'silences')),
      create: (body: Record<string, unknown>) => post<SilenceView>(path('alerts', 'silences'), body),
      remove: (id: number) => remove(path('alerts', 'silences', id)),
    },
  },

  errors: {
    // The query's coerced fields (from, to, limit) are typed as the dashboard sends them.
    list: (q: Omit<ErrorListQuery, 'from' | 'to' | 'limit'> & Range & { limit?: number }) =>
      request<ErrorList>(`${path('errors')}${qs(q)}`),
    trend: (q: Range & { server?: string | undefined }) =>
      request<ErrorTrend>(`${path('errors', 'trend')}${qs(q)}`),
    group: (id: number, q: { samples?: number } = {}) =>
      request<ErrorGroupDetail>(`${path('errors', 'groups', id)}${qs(q)}`),
    update: (id: number, body: GroupPatch) => patch<ErrorGroup>(path('errors', 'groups', id), body),
  },

  incidents: {
    list: (q: Omit<IncidentListQuery, 'from' | 'to' | 'limit'> & Range & { limit?: number }) =>
      request<IncidentList>(`${path('incidents')}${qs(q)}`),
    get: (id: number) => request<IncidentDetail>(path('incidents', id)),
    update: (id: number, body: IncidentPatch) => patch<Incident>(path('incidents', id), body),
    /** "Click a spike": the window analysis. */
    window: (q: Range & { server?: string | undefined }) =>
      request<WindowAnalysis>(`${path('incidents', 'window')}${qs(q)}`),
  },

  /** Deployments and config changes: the charts' markers. */
  changes: (q: Range & { server?: string | undefined }) => request<ChangeList>(`${path('changes')}${qs(q)}`),

  maintenance: {
    list: () => request<MaintenanceList>(path('maintenance')),
    create: (body: Record<string, unknown>) => post<MaintenanceView>(path('maintenance'), body),
    update: (id: number, body: Record<string, unknown>) =>
      patch<MaintenanceView>(path('maintenance', id), body),
    remove: (id: number) => remove(path('maintenance', id)),
  },

  federation: {
    view: () => request<FederatedView>(path('federation')),
    metrics: (q: Range & { metric: FederationMetrics['metric'] }) =>
      request<FederationMetrics>(`${path('federation', 'metrics')}${qs(q)}`),
  },

  uptime: {
    /** Every server's uptime per window and its latest checks (the cards' heartbeat strips). */
    fleet: (q: { windows: string; heartbeats: number }) => request<FleetUptime>(`${path('uptime')}${qs(q)}`),
    server: (id: string, windows: string) =>
      request<ServerUptimeView>(`${path('servers', id, 'uptime')}${qs({ windows })}`),
  },

  statusPages: {
    list: () => request<StatusPageList>(path('status-pages')),
    create: (body: StatusPageBody) => post<StatusPageView>(path('status-pages'), body),
    update: (id: number, body: StatusPagePatchBody) => patch<StatusPageView>(path('status-pages', id), body),
    remove: (id: number) => remove(path('status-pages', id)),
  },

  notifications: {
    list: (limit: number) => request<NotificationList>(`${path('notifications')}${qs({ limit })}`),
    readAll: () => post<MarkReadResult>(path('notifications', 'read'), { all: true }),
  },

  auth: {
    login: (body: LoginInput) => post<MeView>(path('auth', 'login'), body),
    logout: () => post<undefined>(path('auth', 'logout')),
    me: () => request<MeView>(path('auth', 'me')),
  },
  users: {
    list: () => request<UserList>(path('users')),
    create: (body: UserInput) => post<UserView>(path('users'), body),
    update: (id: number, body: UserPatch) => patch<UserView>(path('users', id), body),
    remove: (id: number) => remove(path('users', id)),
  },
  tokens: {
    list: (all: boolean) => request<TokenList>(`${path('tokens')}${qs({ all: all ? 'true' : null })}`),
    create: (body: TokenInput) => post<TokenCreated>(path('tokens'), body),
    remove: (id: number) => remove(path('tokens', id)),
  },
  audit: (q: { from?: number; to?: number; actor?: string; target?: string; limit?: number }) =>
    request<AuditList>(`${path('audit')}${qs(q)}`),
};

/** The live hub's WebSocket URL (the browser's WebSocket cannot send a header, hence the token in the query). */
export const liveUrl = (token: string | null): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${withBase(path('live'))}${qs({ token })}`;

// The server's types under the dashboard's names (type-only: no server code reaches the browser).
export type {
  FederatedView,
  InstanceView,
  ActiveAlert,
  AlertMessage,
  AuditEntry,
  MeView as Me,
  TokenView as Token,
  UserView as User,
  AnomalyAnswer,
  CapacityAnswer,
  ForecastAnswer,
  AlertRule,
  ChannelView as Channel,
  CheckView as Check,
  DashboardNotification,
  EndpointRow,
  ErrorGroup,
  ErrorGroupDetail,
  ErrorSample,
  ErrorTrend,
  GaugeSeries as GaugeResult,
  HistoryAction,
  HistoryDetail,
  HistoryItem,
  ChangeList,
  CorrelatedEvent,
  Incident,
  IncidentDetail,
  SimilarIncident,
  WindowAnalysis,
  ImportOutcome,
  Info,
  LogLine,
  MaintenanceView as MaintenanceWindow,
  NotificationTry,
  SeriesPoint,
  ServerEvent,
  ServerView as Server,
  SilenceView as Silence,
  TrafficSeries as SeriesResult,
  UsageReport as Usage,
  FleetUptime,
  HeartbeatView as Heartbeat,
  ServerUptimeView as ServerUptime,
  StatusPageView as StatusPage,
} from '../../../src/api/contract/index.js';
export type { AlertCondition, AlertMetric, Severity } from '../../../src/model/alert-rule.js';
export type { ChannelKind } from '../../../src/model/notification.js';
export type { Status } from '../../../src/model/server.js';
export type { Role } from '../../../src/model/role.js';
export type { ErrorKind } from '../../../src/model/error.js';
