import { aclEquals, ALL_PERMISSIONS, DigestCredential, DigestCredentialError, digestAcl, digestId, permissionMask, permissionsOf, worldAcl } from './zk-acl';

describe('digest identities', () => {
  it('computes the id ZooKeeper computes (its own DigestAuthenticationProvider gave this vector)', () => {
    expect(digestId('operator', 's3cret')).toBe('operator:nommUAxkr4guw6qRbJu3OYWorqo=');
    expect(DigestCredential.parse('operator:s3cret\n').digestId()).toBe('operator:nommUAxkr4guw6qRbJu3OYWorqo=');
  });

  it('keeps everything after the first colon as the password', () => {
    const credential = DigestCredential.parse('ops:pa:ss');
    expect(credential.user).toBe('ops');
    expect(credential.authText()).toBe('ops:pa:ss');
  });

  it('refuses a credential without user or password, never echoing the password', () => {
    expect(() => DigestCredential.parse('no-colon-secret')).toThrow(DigestCredentialError);
    expect(() => DigestCredential.parse(':secret')).toThrow(/user is empty/);
    expect(() => DigestCredential.parse('ops:')).toThrow(/password of user 'ops' is empty/);
    expect(() => DigestCredential.parse('no-colon-secret')).not.toThrow(/no-colon-secret/);
  });

  it('never prints the password (string, template, JSON)', () => {
    const credential = DigestCredential.parse('ops:hunter2');
    expect(String(credential)).toBe('ops:***');
    expect(`${credential}`).not.toContain('hunter2');
    expect(JSON.stringify({ credential })).not.toContain('hunter2');
  });

  it('an ACL carries the digest id, not the password', () => {
    const acl = digestAcl(DigestCredential.parse('ops:hunter2'));
    expect(acl).toEqual({ scheme: 'digest', id: digestId('ops', 'hunter2'), permissions: ALL_PERMISSIONS });
    expect(JSON.stringify(acl)).not.toContain('hunter2');
  });
});

describe('ACL entries', () => {
  it('maps permissions to ZooKeeper bits and back', () => {
    expect(permissionMask(['read'])).toBe(1);
    expect(permissionMask(ALL_PERMISSIONS)).toBe(31);
    expect(permissionMask(['read', 'create', 'delete'])).toBe(1 | 4 | 8);
    expect(permissionsOf(1 | 4)).toEqual(['read', 'create']);
    expect(permissionsOf(31)).toEqual(ALL_PERMISSIONS);
  });

  it('compares ACLs whatever the order of entries and permissions', () => {
    const a = [worldAcl(['read', 'create']), { scheme: 'digest', id: 'x:y', permissions: ALL_PERMISSIONS }];
    const b = [{ scheme: 'digest', id: 'x:y', permissions: [...ALL_PERMISSIONS].reverse() }, worldAcl(['create', 'read'])];
    expect(aclEquals(a, b)).toBe(true);
    expect(aclEquals(a, [worldAcl(['read'])])).toBe(false);
    expect(aclEquals([worldAcl(['read'])], [worldAcl(['read', 'create'])])).toBe(false);
  });
});
