/** The servers part's front door: the registry (the list of servers, from the config file and the API). */
export { Registry } from './registry.js';
export { importServers, type ImportOutcome, type ImportReport } from './import/import-servers.js';
export { McpJsonError } from './import/mcp-json.js';
