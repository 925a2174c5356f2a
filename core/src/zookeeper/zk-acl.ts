/**
 * ACL entries and digest identities for the ZooKeeper contract (`zk-client.ts`).
 *
 * ZooKeeper's digest scheme: a session proves an identity with `addAuth('digest', 'user:password')`;
 * an ACL names the identity as `user:base64(sha1('user:password'))`. So an ACL is computed here
 * from the credential and never carries the password (an ACL is readable by anyone who may read
 * the node's ACL). `DigestCredential` keeps the password out of logs and JSON.
 */
import { createHash } from 'node:crypto';
import type { ZkAcl, ZkPermission } from './zk-client';

export const ALL_PERMISSIONS: readonly ZkPermission[] = ['read', 'write', 'create', 'delete', 'admin'];

/** A `user:password` that does not have that shape; the message never contains the password. */
export class DigestCredentialError extends Error {
  constructor(detail: string) {
    super(`ZooKeeper digest credential: ${detail} (expected 'user:password')`);
    this.name = 'DigestCredentialError';
  }
}

/** A digest identity and its secret. Printing it (log, JSON, template) shows `user:***` only. */
export class DigestCredential {
  private constructor(
    readonly user: string,
    private readonly password: string,
  ) {}

  /** Parses `user:password` (surrounding whitespace and a trailing newline are ignored). */
  static parse(text: string): DigestCredential {
    const trimmed = text.trim();
    const colon = trimmed.indexOf(':');
    if (colon < 0) throw new DigestCredentialError('no ":" between user and password');
    const user = trimmed.slice(0, colon);
    const password = trimmed.slice(colon + 1);
    if (user === '') throw new DigestCredentialError('the user is empty');
    if (password === '') throw new DigestCredentialError(`the password of user '${user}' is empty`);
    return new DigestCredential(user, password);
  }

  /** What `addAuth('digest', …)` sends: the only place the password leaves this object. */
  authText(): string {
    return `${this.user}:${this.password}`;
  }

  /** The ACL id of this identity: `user:base64(sha1(user:password))`. */
  digestId(): string {
    return digestId(this.user, this.password);
  }

  toString(): string {
    return `${this.user}:***`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** ZooKeeper's `DigestAuthenticationProvider.generateDigest`. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64')}`;
}

/** `world:anyone` with `permissions`. */
export function worldAcl(permissions: readonly ZkPermission[]): ZkAcl {
  return { scheme: 'world', id: 'anyone', permissions };
}

/** The digest identity of `credential` with `permissions` (default: all). */
export function digestAcl(credential: DigestCredential, permissions: readonly ZkPermission[] = ALL_PERMISSIONS): ZkAcl {
  return { scheme: 'digest', id: credential.digestId(), permissions };
}

/** Same entries, whatever their order and the order of their permissions. */
export function aclEquals(a: readonly ZkAcl[], b: readonly ZkAcl[]): boolean {
  const key = (e: ZkAcl): string => `${e.scheme}:${e.id}:${[...new Set(e.permissions)].sort().join(',')}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

const PERMISSION_BITS: Readonly<Record<ZkPermission, number>> = { read: 1, write: 2, create: 4, delete: 8, admin: 16 };

/** The wire bit mask of `permissions` (ZooKeeper's `Perms`). */
export function permissionMask(permissions: readonly ZkPermission[]): number {
  return permissions.reduce((mask, p) => mask | PERMISSION_BITS[p], 0);
}

/** The permissions of a wire bit mask, in the order of ALL_PERMISSIONS. */
export function permissionsOf(mask: number): ZkPermission[] {
  return ALL_PERMISSIONS.filter((p) => (mask & PERMISSION_BITS[p]) !== 0);
}
