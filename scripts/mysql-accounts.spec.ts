import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountStatements, grantPattern, parseAccountsConfig, ROLES, type AccountsConfig } from './mysql-accounts';

const ROOT = join(__dirname, '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, 'config', file), 'utf8'));
const local = (): AccountsConfig => parseAccountsConfig(readJson('mysql-accounts.local.json'));

describe('MySQL accounts (scripts/sql/mysql-accounts.sql)', () => {
  it('escapes the GRANT wildcards of the Pacer database name', () => {
    expect(grantPattern('pacer_local')).toBe('`pacer\\_local`');
    expect(grantPattern('a%b`c')).toBe('`a\\%b``c`');
  });

  it('fills every slot, quoting accounts and passwords as literals', () => {
    const config = local();
    config.accounts.copier.password = "it's";
    const statements = accountStatements(config);
    expect(statements.some((s) => s.includes('{{'))).toBe(false);
    expect(statements).toContain("CREATE USER IF NOT EXISTS 'pinlater_copier'@'127.0.0.1' IDENTIFIED BY 'it\\'s'");
    expect(statements).toContain("GRANT CREATE, DROP, SELECT, INSERT, UPDATE, DELETE ON `plq\\_%`.* TO 'pinlater_gateway'@'127.0.0.1'");
    expect(statements.filter((s) => s.startsWith('GRANT') && s.includes('*.*'))).toEqual([]);
  });

  it('rejects a config without every role', () => {
    expect(() => parseAccountsConfig({ host: 'h', pacerDatabase: 'p', accounts: {} })).toThrow(/accounts\.legacyGateway\.user/);
  });

  it("the shipped configs, up.sh and its process table use each role's account, never root", () => {
    const { accounts } = local();
    const legacy = readJson('mysql.local.json') as Record<string, { user: string; passwd: string }>;
    for (const instance of Object.values(legacy)) expect(instance).toMatchObject({ user: accounts.legacyGateway.user, passwd: accounts.legacyGateway.password });
    for (const file of ['pacer.local.json', 'pacer-cluster.local.json']) {
      expect(readJson(file)).toMatchObject({ mysql: { user: accounts.pacerGateway.user, password: accounts.pacerGateway.password }, createDatabase: false });
    }
    const up = readFileSync(join(ROOT, 'scripts', 'up.sh'), 'utf8');
    const processes = readFileSync(join(ROOT, 'config', 'local-processes.conf'), 'utf8'); // the table up.sh starts
    expect(processes).toContain(`--mysql-user ${accounts.pacerBroker.user} --mysql-password ${accounts.pacerBroker.password}`);
    expect(up).toContain(`--user ${accounts.pacerMigrator.user} --password ${accounts.pacerMigrator.password}`);
    expect(ROLES).toHaveLength(5);
  });
});
