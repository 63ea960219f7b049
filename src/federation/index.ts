/**
 * The federation part's front door (DESIGN §6): peers, the poller, the summary this instance
 * serves, the federated view and its series. Everything else in federation/ is its own business.
 */
import { peersRepo } from './peers-repo.js';

export { Federation, type FederationDeps, type FederatedView, type InstanceView } from './federation.js';
export type { PeerView, PeerTarget } from './peers.js';

/** Re-encrypts a page of peer tokens (the secrets-at-rest migration and key rotation). */
export const resealPeerSecrets = peersRepo.resealSecrets.bind(peersRepo);
