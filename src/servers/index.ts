/** The servers part's front door: the registry (the list of servers, from the config file and the API). */
export { Registry } from './registry.js';
