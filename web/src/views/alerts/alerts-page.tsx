import { AlertHistory } from './alert-history.js';

/** Alerts: history for now; rules, channels and silences join it. */
export function AlertsPage({ tab }: { tab: string }) {
  return (
    <section class="alerts">
      <h1>Alerts</h1>
      {tab === 'history' ? <AlertHistory /> : <AlertHistory />}
    </section>
  );
}
