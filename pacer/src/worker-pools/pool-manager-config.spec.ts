import { ConfigError } from '../../../core/src/config/parse-config';
import { DEFAULT_ADMIN_PORT, loadPoolManagerConfig, parsePoolManagerArgs } from './pool-manager-config';

const base = ['--specs', 'pools', '--namespace', 'pinlater', '--gateway', 'gateway:9090', '--backlog-url', 'http://gw-0:9011'];

function load(args: string[], inCluster = false): ReturnType<typeof loadPoolManagerConfig> {
  return loadPoolManagerConfig(parsePoolManagerArgs(args), {}, inCluster);
}

describe('pool manager configuration', () => {
  it('has the defaults: admin port 9040, 15 s passes, 45 s grace, credentials from the default kubeconfig', () => {
    expect(load(base)).toEqual({
      specsDir: 'pools', namespace: 'pinlater', gateway: 'gateway:9090', backlogUrls: ['http://gw-0:9011'], kubeconfig: { kind: 'default' },
      keda: false, dryRun: false, once: false, intervalMs: 15_000, adminHost: '0.0.0.0', adminPort: DEFAULT_ADMIN_PORT,
      terminationGracePeriodSeconds: 45, tolerance: 0.1, logLevel: 'info',
    });
    expect(DEFAULT_ADMIN_PORT).toBe(9040);
  });

  it('takes several backlog URLs, a kubeconfig file, and in-cluster credentials when in a pod', () => {
    const c = load([...base, '--backlog-url', 'http://gw-1:9011', '--kubeconfig', '/k', '--interval', '0.5', '--admin-port', '0', '--once']);
    expect(c).toMatchObject({ backlogUrls: ['http://gw-0:9011', 'http://gw-1:9011'], kubeconfig: { kind: 'file', path: '/k' }, intervalMs: 500, adminPort: 0, once: true });
    expect(load(base, true).kubeconfig).toEqual({ kind: 'in-cluster' });
  });

  it('reports every problem at once, naming the flag', () => {
    let error: unknown;
    try {
      load(['--namespace', 'Not_A_Namespace', '--gateway', 'nohost', '--backlog-url', 'gw:9011', '--interval', 'soon']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'specs: --specs is required',
      'namespace: a Kubernetes namespace name (lowercase letters, digits, -)',
      "gateway: Invalid gateway 'nohost': expected host:port, an IPv6 address in brackets ([::1]:9191)",
      'backlogUrl.0: an http(s):// URL (a gateway admin base)',
      "interval: seconds from 0.05 to 3600, got 'soon'",
    ]);
  });

  it('with --keda wants the one URL KEDA polls', () => {
    expect(() => load([...base, '--backlog-url', 'http://gw-1:9011', '--keda'])).toThrow(/with --keda give exactly one --backlog-url/);
    expect(load([...base, '--keda']).keda).toBe(true);
  });
});
