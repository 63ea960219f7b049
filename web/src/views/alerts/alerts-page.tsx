import { AlertHistory } from './alert-history.js';
import { Channels } from './channels.js';
import { Rules } from './rules.js';
import { Silences } from './silences.js';
import { ScrollBox } from '../scroll-box.js';

const tabs = [
  ['history', 'History', '/alerts'],
  ['rules', 'Rules', '/alerts/rules'],
  ['channels', 'Channels', '/alerts/channels'],
  ['silences', 'Silences', '/alerts/silences'],
] as const;

/** Alerts: what fired and what was done (history), the rules, where notifications go, and silences. */
export function AlertsPage({ tab }: { tab: string }) {
  return (
    <section class="alerts">
      <h1>Alerts</h1>
      <ScrollBox class="tabs-box">
        <nav class="tabs" aria-label="Alert views">
          {tabs.map(([key, label, href]) => (
            <a key={key} href={href} aria-current={tab === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
      </ScrollBox>
      {tab === 'history' && <AlertHistory />}
      {tab === 'rules' && <Rules />}
      {tab === 'channels' && <Channels />}
      {tab === 'silences' && <Silences />}
    </section>
  );
}
