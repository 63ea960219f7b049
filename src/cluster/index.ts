/**
 * The cluster part's front door (DESIGN §13): where servers are probed and the leader's jobs run.
 * On SQLite one instance does everything (`SingleInstance`); on PostgreSQL instances share the
 * store (`SharedCluster`: heartbeats, server leases by rendezvous hashing, a fenced leader lease)
 * and one another's live updates (`LiveSync`, LISTEN/NOTIFY). Any part's leader-only job goes
 * through `cluster.whileLeader(name, start)`.
 */
export {
  SharedCluster,
  SingleInstance,
  type Cluster,
  type InstanceView,
  type LeaderFence,
  type LeaderJob,
} from './cluster.js';
export { LiveSync, NOTIFY_MAX_BYTES } from './live-sync.js';
export { ownerOf } from './rendezvous.js';
