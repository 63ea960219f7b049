import { qs, request } from './http.js';
import type {
  ActiveAlert,
  AlertRule,
  Channel,
  ChannelTest,
  Check,
  DashboardNotification,
  EndpointRow,
  GaugeResult,
  HistoryDetail,
  HistoryItem,
  Info,
  LogLine,
  SeriesResult,
  Server,
  ServerEvent,
  Silence,
  Usage,
} from '../types.js';

/**
 * The API, one typed function per operation: the only place in the dashboard that knows a URL.
 * Views call these; the shapes are the server's own (see the types' module).
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
    list: () => request<{ servers: Server[] }>(path('servers')),
    get: (id: string) => request<Server>(path('servers', id)),
    create: (body: Record<string, unknown>) => post<Server>(path('servers'), body),
    remove: (id: string) => remove(path('servers', id)),
    check: (id: string) => post<{ check: Check; server: Server }>(path('servers', id, 'check')),
    disable: (id: string, body: { minutes: number; reason?: string }) =>
      post<Server>(path('servers', id, 'disable'), body),
    enable: (id: string) => post<Server>(path('servers', id, 'enable')),
    logs: (id: string, limit: number) =>
      request<{ logs: LogLine[]; checks: Check[]; events: ServerEvent[] }>(
        `${path('servers', id, 'logs')}${qs({ limit })}`,
      ),
    series: (id: string, q: Range & { metric: string; endpoint?: string | null; compare?: string | null }) =>
      request<SeriesResult>(`${path('servers', id, 'metrics')}${qs(q)}`),
    gauge: (id: string, q: Range & { metric: 'active_connections' | 'cpu' | 'memory' }) =>
      request<GaugeResult>(`${path('servers', id, 'metrics')}${qs(q)}`),
    endpoints: (id: string, q: Range) =>
      request<{ endpoints: EndpointRow[] }>(`${path('servers', id, 'endpoints')}${qs(q)}`),
  },

  usage: (q: Range & { server?: string; limit: number; time_zone: string }) => {
    const { server, ...query } = q;
    return request<Usage>(`${server ? path('servers', server, 'usage') : path('usage')}${qs(query)}`);
  },

  alerts: {
    active: () => request<{ alerts: ActiveAlert[] }>(path('alerts', 'active')),
    rules: {
      list: () => request<{ rules: AlertRule[] }>(path('alerts', 'rules')),
      create: (body: Record<string, unknown>) => post<AlertRule>(path('alerts', 'rules'), body),
      update: (id: number, body: Record<string, unknown>) =>
        patch<AlertRule>(path('alerts', 'rules', id), body),
      remove: (id: number) => remove(path('alerts', 'rules', id)),
    },
    channels: {
      list: () => request<{ channels: Channel[] }>(path('alerts', 'channels')),
      create: (body: { name: string; kind: string; config: Record<string, unknown> }) =>
        post<Channel>(path('alerts', 'channels'), body),
      remove: (id: number) => remove(path('alerts', 'channels', id)),
      test: (id: number) => post<ChannelTest>(path('alerts', 'channels', id, 'test')),
    },
    history: {
      list: (q: { server?: string | null; rule?: string | null; state?: string | null; limit: number }) =>
        request<{ history: HistoryItem[] }>(`${path('alerts', 'history')}${qs(q)}`),
      get: (id: number) => request<HistoryDetail>(path('alerts', 'history', id)),
      act: (id: number, action: 'ack' | 'silence' | 'comment', body: Record<string, unknown>) =>
        post<unknown>(path('alerts', 'history', id, action), body),
    },
    silences: {
      list: () => request<{ silences: Silence[] }>(path('alerts', 'silences')),
      create: (body: Record<string, unknown>) => post<Silence>(path('alerts', 'silences'), body),
      remove: (id: number) => remove(path('alerts', 'silences', id)),
    },
  },

  notifications: {
    list: (limit: number) =>
      request<{ notifications: DashboardNotification[]; unread: number }>(
        `${path('notifications')}${qs({ limit })}`,
      ),
    readAll: () => post<{ marked: number; unread: number }>(path('notifications', 'read'), { all: true }),
  },
};

/** The live hub's WebSocket URL (the browser's WebSocket cannot send a header, hence the token in the query). */
export const liveUrl = (token: string | null): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path('live')}${qs({ token })}`;
