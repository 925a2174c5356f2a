/**
 * The copy rate of a migration (jobs per second, the token bucket of the copier,
 * migration/src/copier/copy-throttle.ts), kept in its `queue_migrations` row. One place for the
 * default, so `pinlater-ops plan` estimates with the rate `pinlater-ops migrate start` writes.
 */
export const DEFAULT_RATE_PER_S = 2000;

/** The largest rate an operator may set (a bound on typos, not on the copier). */
export const MAX_RATE_PER_S = 1_000_000;
