/**
 * Bounds on the work one Redis command or script call does for a client request (issue 8): no
 * client-supplied number (a dequeue, retry, delete or scan limit, a ZSET's size) may make one call
 * block Redis for long, since Redis runs one command at a time for every client.
 */

/** Most ids one script call claims, moves or deletes; larger limits loop over calls of this size. */
export const SCRIPT_CHUNK_IDS = 1000;

/** Most ids one ZSET range read returns (count/scan/peek/body filters page through by rank). */
export const ID_PAGE_SIZE = 1000;

/** First read of a walk that may stop early (a small scan or delete limit); later reads grow. */
export const FIRST_PAGE_MIN = 16;

/** The first page size for a walk that needs `limit` results: the limit, within [FIRST_PAGE_MIN, ID_PAGE_SIZE]. */
export function firstPageSize(limit: number): number {
  return Math.min(ID_PAGE_SIZE, Math.max(FIRST_PAGE_MIN, limit));
}

/**
 * Most body bytes fetched by one pipelined batch of a body filter (plus at most one body that is
 * larger on its own): bounds the gateway's memory per filter, whatever the bodies' sizes.
 */
export const BODY_BATCH_BYTES = 4 * 1024 * 1024;
