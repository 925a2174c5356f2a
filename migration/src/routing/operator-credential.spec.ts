import { ConfigError } from '../../../core/src/config/parse-config';
import { digestId } from '../../../core/src/zookeeper/zk-acl';
import { CREDENTIAL_FILE_VARIABLE, CREDENTIAL_VARIABLE, loadOperatorCredential } from './operator-credential';

const files: Record<string, string> = { '/secrets/routing': 'ops:from-file\n' };
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`);
  return text;
};

describe('routing operator credential', () => {
  it('reads user:password from the file the environment names', () => {
    const credential = loadOperatorCredential({ [CREDENTIAL_FILE_VARIABLE]: '/secrets/routing' }, readFile);
    expect(credential.digestId()).toBe(digestId('ops', 'from-file'));
  });

  it('or from the environment variable itself', () => {
    expect(loadOperatorCredential({ [CREDENTIAL_VARIABLE]: 'ops:inline' }, readFile).digestId()).toBe(digestId('ops', 'inline'));
  });

  it('refuses none, both, an unreadable file and a malformed value, naming the variable and never the password', () => {
    expect(() => loadOperatorCredential({}, readFile)).toThrow(ConfigError);
    expect(() => loadOperatorCredential({}, readFile)).toThrow(/credential is required/);
    expect(() => loadOperatorCredential({ [CREDENTIAL_FILE_VARIABLE]: '/secrets/routing', [CREDENTIAL_VARIABLE]: 'ops:x' }, readFile)).toThrow(/not both/);
    expect(() => loadOperatorCredential({ [CREDENTIAL_FILE_VARIABLE]: '/nope' }, readFile)).toThrow(/PINLATER_ROUTING_CREDENTIAL_FILE: cannot read \/nope/);
    const malformed = (): unknown => loadOperatorCredential({ [CREDENTIAL_VARIABLE]: 'secretwithoutcolon' }, readFile);
    expect(malformed).toThrow(/PINLATER_ROUTING_CREDENTIAL: .*expected 'user:password'/);
    expect(malformed).not.toThrow(/secretwithoutcolon/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadOperatorCredential({ [CREDENTIAL_FILE_VARIABLE]: '', [CREDENTIAL_VARIABLE]: 'ops:inline' }, readFile).user).toBe('ops');
  });
});
