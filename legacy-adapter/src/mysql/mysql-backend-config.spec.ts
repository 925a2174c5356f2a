import { MysqlBackendConfigError, parseMysqlBackendConfig, sameEndpoint } from './mysql-backend-config';

const instance = (port: number, extra: Record<string, unknown> = {}) => ({
  master: { host: '127.0.0.1', port },
  slave: { host: '127.0.0.1', port: port + 1 },
  user: 'root',
  passwd: 'pw',
  ...extra,
});

describe("PinLater's MySQL backend JSON (FACTS §5.1)", () => {
  it('keeps prefixed instances in JSON order with numDbPerQueue logical shards each', () => {
    const parsed = parseMysqlBackendConfig(
      { pinlaterlocaldb002: instance(3307, { dequeueOnly: true }), other: { anything: 1 }, pinlaterlocaldb001: instance(3306) },
      'pinlaterlocaldb',
      3,
    );
    expect(parsed.map((i) => [i.key, i.instanceId, i.shards, i.dequeueOnly])).toEqual([
      ['pinlaterlocaldb002', 2, ['2', '2d1', '2d2'], true],
      ['pinlaterlocaldb001', 1, ['1', '1d1', '1d2'], false],
    ]);
    expect(parsed[1]?.endpoint).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: 'pw' });
  });

  it('ignores slave and defaults dequeueOnly to false', () => {
    const [only] = parseMysqlBackendConfig({ db7: { master: { host: 'h', port: '3306' }, user: 'u', passwd: '' } }, 'db', 1);
    expect(only).toMatchObject({ instanceId: 7, dequeueOnly: false, endpoint: { host: 'h', port: 3306 } });
  });

  it.each([
    [{ db1: instance(1, { extra: true }) }, /unknown field "extra"/],
    [{ db1: { ...instance(1), master: { host: 'h', port: 1, weight: 2 } } }, /db1.master: unknown field "weight"/],
    [{ dbx: instance(1) }, /not an integer instance id/],
    [{ db1: instance(1), db01: instance(2) }, /instance id 1 is used twice/],
    [{ db1: { user: 'u' } }, /db1.master: must be an object/],
    [{ db1: instance(1, { dequeueOnly: 'yes' }) }, /dequeueOnly: must be a boolean/],
    [[], /top level must be a JSON object/],
  ])('rejects %j', (json, message) => {
    expect(() => parseMysqlBackendConfig(json, 'db', 1)).toThrow(MysqlBackendConfigError);
    expect(() => parseMysqlBackendConfig(json, 'db', 1)).toThrow(message);
  });

  it('compares endpoints by host, port, user and password', () => {
    const a = { host: 'h', port: 1, user: 'u', password: 'p' };
    expect(sameEndpoint(a, { ...a })).toBe(true);
    expect(sameEndpoint(a, { ...a, password: 'q' })).toBe(false);
  });
});
