import type { Config } from './schema.js';

/** The settings that are secrets, as the scrubber takes them: the api_token, the database password, the peers' tokens. */
export function configSecrets(config: Config): string[] {
  const secrets: string[] = [];
  if (config.api_token) secrets.push(config.api_token);
  for (const peer of config.federation_peers) if (peer.token) secrets.push(peer.token);
  if (config.database_url) {
    const password = new URL(config.database_url).password;
    if (password) secrets.push(decodeURIComponent(password));
  }
  return secrets;
}
