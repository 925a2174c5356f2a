/**
 * Creates the routing tree (routing-paths.ts) with its ACLs (routing-acl.ts), as the operator.
 * Idempotent: what exists is kept, and every ACL that differs from routing-acl.ts's is reset, the
 * records' and queue limits' included (a record created with a foreign ACL). Re-running it on a
 * tree set up before queue limits existed adds `<root>/limits` (gateways watching for it apply
 * limits from then on). That also rotates the operator
 * credential: authenticate with the old one too (`previous`), and every node naming the operator
 * (the fixed ones; records and history entries name nobody) moves to the new identity in one run.
 *
 * Used by the operator CLI (`setup`, `adopt`) and by tests.
 */
import { aclEquals, type DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkAcl, ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { readQueueLimits } from './queue-limits-reader';
import { gatewaysAcl, limitRecordAcl, limitsAcl, operatorOnlyAcl, queuesAcl, recordAcl } from './routing-acl';
import { RoutingPaths } from './routing-paths';
import { readRoutingTable } from './routing-table-reader';

export interface RoutingTreeSetupOptions {
  readonly paths?: RoutingPaths;
  /** Credentials the tree may still carry (rotation): added to the session so their ACLs can be reset. */
  readonly previous?: readonly DigestCredential[];
}

export interface RoutingTreeSetup {
  /** Nodes created by this run. */
  readonly created: readonly string[];
  /** Existing nodes whose ACL was reset. */
  readonly aclReset: readonly string[];
  /** Records whose ACL could not be reset (NO_AUTH: created with a foreign ACL); delete and recreate them. */
  readonly foreignAcl: readonly string[];
}

/** Creates what is missing and resets the ACLs that differ; the session is authenticated as the operator. */
export async function setupRoutingTree(zk: ZkClient, operator: DigestCredential, options: RoutingTreeSetupOptions = {}): Promise<RoutingTreeSetup> {
  const paths = options.paths ?? new RoutingPaths();
  for (const credential of [...(options.previous ?? []), operator]) await zk.addAuth('digest', credential.authText());
  const parent = paths.root.slice(0, paths.root.lastIndexOf('/'));
  if (parent !== '') await zk.mkdirp(parent);
  const created: string[] = [];
  const aclReset: string[] = [];
  const foreignAcl: string[] = [];
  for (const [path, acl] of fixedNodeAcls(paths, operator.digestId())) {
    if (await createIfMissing(zk, path, acl)) created.push(path);
    else if (await resetAcl(zk, path, acl)) aclReset.push(path);
  }
  const { records } = await readRoutingTable(zk, paths);
  const limits = await readQueueLimits(zk, paths);
  const immutable: Array<[string, ZkAcl[]]> = [
    ...records.map(({ queue }): [string, ZkAcl[]] => [paths.queue(queue), recordAcl()]),
    ...limits.records.map(({ queue }): [string, ZkAcl[]] => [paths.limit(queue), limitRecordAcl()]),
  ];
  for (const [path, acl] of immutable) {
    try {
      if (await resetAcl(zk, path, acl)) aclReset.push(path);
    } catch (e) {
      if (!ZkError.is(e, ZkCode.NO_AUTH)) throw e;
      foreignAcl.push(path);
    }
  }
  return { created, aclReset, foreignAcl };
}

/** Every persistent node of the tree with its ACL, parents first. */
export function fixedNodeAcls(paths: RoutingPaths, operatorDigestId: string): Array<[string, ZkAcl[]]> {
  return [
    [paths.root, operatorOnlyAcl(operatorDigestId)],
    [paths.table(), operatorOnlyAcl(operatorDigestId)],
    [paths.queues(), queuesAcl(operatorDigestId)],
    [paths.history(), operatorOnlyAcl(operatorDigestId)],
    [paths.gateways(), gatewaysAcl(operatorDigestId)],
    [paths.limits(), limitsAcl(operatorDigestId)],
  ];
}

async function createIfMissing(zk: ZkClient, path: string, acl: readonly ZkAcl[]): Promise<boolean> {
  try {
    await zk.create(path, Buffer.alloc(0), 'persistent', acl);
    return true;
  } catch (e) {
    if (ZkError.is(e, ZkCode.NODE_EXISTS)) return false;
    throw e;
  }
}

async function resetAcl(zk: ZkClient, path: string, acl: readonly ZkAcl[]): Promise<boolean> {
  const current = await zk.getAcl(path);
  if (aclEquals(current.acl, acl)) return false;
  await zk.setAcl(path, acl);
  return true;
}
