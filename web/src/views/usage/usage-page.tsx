import { UsageView } from './usage-view.js';

/** The fleet's usage, for capacity planning. */
export function UsagePage() {
  return (
    <section>
      <h1>Usage</h1>
      <UsageView />
    </section>
  );
}
