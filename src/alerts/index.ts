/** The alerts part's front door for the other parts. */
import { channelsRepo } from './config-repo.js';

/** Re-encrypts a page of channel credentials (the secrets-at-rest migration and key rotation). */
export const resealChannelSecrets = channelsRepo.resealSecrets.bind(channelsRepo);
