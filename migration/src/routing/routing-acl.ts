/**
 * Who may do what on the routing table (issue 10: gateways can read; only a holder of the
 * operator credential can write; a gateway can never change routing). ZooKeeper checks each node's
 * own ACL, and `create`/`delete` of a node are checked on its PARENT:
 *
 * | node                      | world                  | operator (digest) |
 * |---------------------------|------------------------|-------------------|
 * | `<root>`, `table`         | read                   | all               |
 * | `queues`                  | read, create           | all               |
 * | `queues/<queue>` (record) | read                   | (nobody writes a record node) |
 * | `history`                 | read                   | all               |
 * | `history/entry-<seq>`     | read                   | (nobody writes an entry)      |
 * | `gateways`                | read, create, delete   | all               |
 * | `gateways/<id>`           | read; the gateway's own per-process digest identity: all   |
 * | `limits`                  | read                   | all               |
 * | `limits/<queue>` (limit)  | read                   | (nobody writes a limit node)  |
 *
 * Record and history nodes are immutable: the operator changes a record by deleting and
 * re-creating it in the multi-op that also bumps `table` (routing-store.ts), which only DELETE
 * and CREATE on `queues` allow, and prunes history with DELETE on `history`. So a gateway (no
 * operator identity) can create the FIRST record of a queue it creates (CREATE on `queues`) and
 * can neither change nor delete any record, nor bump `table`, nor write history.
 *
 * Queue limits (queue-limit-store.ts) follow the same rules, stricter: nobody but the operator may
 * create one (no CREATE for the world on `limits`), and a change deletes and re-creates the limit
 * node in the multi-op that bumps `limits` (its data version is the limits version).
 *
 * Why records do not name the operator: ZooKeeper shows a digest ACL id only to sessions with
 * ADMIN on the node (anyone else reads `user:x`), so a gateway could not copy the operator's id
 * into a record it creates, and publishing the id elsewhere would hand out the password's hash
 * for offline guessing. Immutable records need no identity at all, and rotating the credential
 * touches only the fixed nodes.
 *
 * Known limit of ZooKeeper's model: whoever may create a node chooses its ACL, so a client that
 * is not one of our gateways could create a new queue's record with an ACL of its choice;
 * `setupRoutingTree` (routing-tree-setup.ts) resets every record's ACL to the one here, and the
 * operator can always delete a record (DELETE on `queues`).
 */
import { ALL_PERMISSIONS, worldAcl } from '../../../core/src/zookeeper/zk-acl';
import type { ZkAcl } from '../../../core/src/zookeeper/zk-client';

const operatorAcl = (operatorDigestId: string): ZkAcl => ({ scheme: 'digest', id: operatorDigestId, permissions: ALL_PERMISSIONS });

/** `<root>`, `table`, `history`. */
export function operatorOnlyAcl(operatorDigestId: string): ZkAcl[] {
  return [worldAcl(['read']), operatorAcl(operatorDigestId)];
}

/** `queues`: anyone may create a child (a new queue's first record). */
export function queuesAcl(operatorDigestId: string): ZkAcl[] {
  return [worldAcl(['read', 'create']), operatorAcl(operatorDigestId)];
}

/** `queues/<queue>`: immutable; only the operator replaces it (DELETE and CREATE on `queues`). */
export function recordAcl(): ZkAcl[] {
  return [worldAcl(['read'])];
}

/** `history/entry-<seq>`: immutable once written. */
export function historyEntryAcl(): ZkAcl[] {
  return [worldAcl(['read'])];
}

/** `limits`: only the operator creates, replaces or deletes a queue limit. */
export function limitsAcl(operatorDigestId: string): ZkAcl[] {
  return operatorOnlyAcl(operatorDigestId);
}

/** `limits/<queue>`: immutable; only the operator replaces it (DELETE and CREATE on `limits`). */
export function limitRecordAcl(): ZkAcl[] {
  return [worldAcl(['read'])];
}

/** `gateways`: presence, anyone may come and go. */
export function gatewaysAcl(operatorDigestId: string): ZkAcl[] {
  return [worldAcl(['read', 'create', 'delete']), operatorAcl(operatorDigestId)];
}

/** `gateways/<id>`: only the gateway process that created it (its random per-process identity) updates it. */
export function gatewayPresenceAcl(gatewayDigestId: string): ZkAcl[] {
  return [worldAcl(['read']), { scheme: 'digest', id: gatewayDigestId, permissions: ALL_PERMISSIONS }];
}
