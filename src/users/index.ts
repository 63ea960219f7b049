/** Users, roles, sessions, API tokens and the audit log (DESIGN §12): the front door. */
export { UsersService, checkPassword, type TokenView, type UserView, type UsersOptions } from './service.js';
export { type Principal, nobody, apiTokenPrincipal, isUser } from './principal.js';
export { LoginLimiter } from './login-limiter.js';
export { redactWith } from './redact.js';
export { MIN_PASSWORD_CHARS } from './passwords.js';
export { csrfOf, sameSecret } from './secrets.js';
export type { AuditRow } from '../store/events-repo.js';
