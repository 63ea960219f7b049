/**
 * Who may do what (DESIGN §12): `viewer` reads, `operator` also changes servers, rules,
 * channels, silences and acts on alerts, `admin` also manages users, tokens of others, stdio
 * servers and settings. Each role includes the ones below it.
 */
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` may do what `needed` may. */
export const atLeast = (role: Role, needed: Role): boolean => rank[role] >= rank[needed];

/** The lower of two roles (a token never outranks its owner, even after a demotion). */
export const lowerOf = (a: Role, b: Role): Role => (rank[a] <= rank[b] ? a : b);
