/**
 * The name of a queue's shadow copy in Pacer (issue 13, shadow mode). Shadow copies live in a
 * queue of their own, never in the queue's own Pacer queue: gateways apply a routing change at
 * slightly different times, so a gateway still in shadow mode could otherwise add a shadow copy
 * to a queue another gateway already serves for real (migrating), and the job would run twice.
 *
 * The prefix is reserved: a client call naming a queue that starts with it is refused by the
 * routing gateway (docs/compatibility.md "Shadow copies: a reserved queue-name prefix"), and
 * getQueueNames never lists such queues, so no client can ever dequeue a shadow copy.
 */

export const SHADOW_QUEUE_PREFIX = 'zz_pacer_shadow__';

/** Longest queue name Pacer stores (pacer/src/datastore/tables.ts MAX_QUEUE_NAME_LENGTH). */
const PACER_MAX_QUEUE_NAME = 100;

/** Longest queue name that can have a shadow copy. */
export const MAX_SHADOWABLE_QUEUE_NAME = PACER_MAX_QUEUE_NAME - SHADOW_QUEUE_PREFIX.length;

export function shadowQueueName(queue: string): string {
  return `${SHADOW_QUEUE_PREFIX}${queue}`;
}

export function isShadowQueueName(queue: string): boolean {
  return queue.startsWith(SHADOW_QUEUE_PREFIX);
}

/** Whether `queue` can be put in shadow mode (its shadow name fits Pacer). */
export function canShadow(queue: string): boolean {
  return !isShadowQueueName(queue) && queue.length <= MAX_SHADOWABLE_QUEUE_NAME;
}
