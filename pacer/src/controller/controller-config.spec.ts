import { ConfigError } from '../../../core/src/config/parse-config';
import { CONTROLLER_FLAGS, flagOverrides, loadClusterConfig, loadControllerConfig } from './controller-config';

describe('loadClusterConfig', () => {
  it('applies the defaults', () => {
    const c = loadClusterConfig({});
    expect(c).toMatchObject({ zkConnect: '127.0.0.1:2181', cluster: 'pacer', sessionTimeoutMs: 6000, logLevel: 'info' });
    expect(c.controllerName).toMatch(/^controller_.+_\d+$/);
  });

  it('reads the variables, flags win', () => {
    const env = { PACER_ZK_CONNECT: 'zk:2181/x', PACER_CLUSTER: 'c1', PACER_ZK_SESSION_TIMEOUT_MS: '8000', PACER_CONTROLLER_NAME: 'n', PACER_LOG_LEVEL: 'debug' };
    expect(loadClusterConfig(env)).toEqual({ zkConnect: 'zk:2181/x', cluster: 'c1', sessionTimeoutMs: 8000, controllerName: 'n', logLevel: 'debug',
      telemetry: expect.objectContaining({ serviceName: 'pacer-controller', serviceInstanceId: 'n', metrics: true }) as unknown,
    });
    expect(loadClusterConfig(env, flagOverrides({ cluster: 'c2', zk: undefined })).cluster).toBe('c2');
    expect(loadClusterConfig({ PACER_ZK_SESSION_TIMEOUT_MS: '' }).sessionTimeoutMs).toBe(6000);
  });

  it('reports every problem at once, each naming its variable', () => {
    let error: unknown;
    try {
      loadClusterConfig({ PACER_CLUSTER: 'bad name', PACER_ZK_SESSION_TIMEOUT_MS: '999' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "PACER_CLUSTER: must match [A-Za-z0-9_.-]+, got 'bad name'",
      "PACER_ZK_SESSION_TIMEOUT_MS: must be an integer >= 1000, got '999'",
    ]);
    expect((error as Error).message).toMatch(/^Invalid Pacer cluster configuration:\n {2}- PACER_CLUSTER: /);
    expect(() => loadClusterConfig({ PACER_ZK_SESSION_TIMEOUT_MS: 'soon' })).toThrow(/PACER_ZK_SESSION_TIMEOUT_MS: must be an integer >= 1000, got 'soon'/);
  });
});

describe('loadControllerConfig', () => {
  it('binds the status port to PACER_CONTROLLER_STATUS_HOST, an IP address (default 127.0.0.1; --status-host wins)', () => {
    expect(loadControllerConfig({})).toMatchObject({ statusHost: '127.0.0.1', cluster: 'pacer' });
    expect(loadControllerConfig({ PACER_CONTROLLER_STATUS_HOST: '' }).statusHost).toBe('127.0.0.1');
    expect(loadControllerConfig({ PACER_CONTROLLER_STATUS_HOST: '0.0.0.0' }).statusHost).toBe('0.0.0.0');
    expect(loadControllerConfig({ PACER_CONTROLLER_STATUS_HOST: '0.0.0.0' }, flagOverrides({ statusHost: '127.0.0.2' }, CONTROLLER_FLAGS)).statusHost).toBe('127.0.0.2');
    expect(flagOverrides({ statusHost: '0.0.0.0' })).toEqual({}); // not a cluster (CLI) flag
    expect('statusHost' in loadClusterConfig({ PACER_CONTROLLER_STATUS_HOST: 'not-an-ip' })).toBe(false);
  });

  it('refuses a status host that is not an IP address, with the cluster variables\' problems', () => {
    let error: unknown;
    try {
      loadControllerConfig({ PACER_CONTROLLER_STATUS_HOST: 'controller.local', PACER_CLUSTER: 'bad name' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "PACER_CLUSTER: must match [A-Za-z0-9_.-]+, got 'bad name'",
      "PACER_CONTROLLER_STATUS_HOST: must be an IP address to listen on (127.0.0.1: this host only, 0.0.0.0: every interface), got 'controller.local'",
    ]);
    expect((error as Error).message).toMatch(/^Invalid Pacer controller configuration:/);
  });
});
