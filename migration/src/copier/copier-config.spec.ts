import { join } from 'node:path';
import { ConfigError } from '../../../core/src/config/parse-config';
import { loadCopierConfig } from './copier-config';

const ROUTING = join(__dirname, '..', '..', '..', 'config', 'routing.local.json');
const CREDENTIAL = { PINLATER_ROUTING_CREDENTIAL: 'routing-operator:secret' };

describe('loadCopierConfig', () => {
  it('reads the routing config, the credential and the defaults; flags override the environment', () => {
    const c = loadCopierConfig({ ...CREDENTIAL, PINLATER_ROUTING_CONFIG: ROUTING, PINLATER_COPIER_BATCH_SIZE: '100' }, { id: 'copier-7', batchSize: '250' });
    expect(c.copierId).toBe('copier-7');
    expect(c.settings.batchSize).toBe(250);
    expect(c.settings.quietPeriodMs).toBe(10_000);
    expect(c.routing.pacer).toBeDefined();
    expect(c.credential.user).toBe('routing-operator');
  });

  it('names every bad setting at once', () => {
    let error: unknown;
    try {
      loadCopierConfig({ ...CREDENTIAL, PINLATER_ROUTING_CONFIG: ROUTING }, { batchSize: '0', quietPeriodMs: 'soon', id: 'has space' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PINLATER_COPIER_BATCH_SIZE', 'PINLATER_COPIER_QUIET_PERIOD_MS', 'PINLATER_COPIER_ID']) expect(message).toContain(name);
  });

  it('binds the status port to PINLATER_COPIER_STATUS_HOST, an IP address (default 127.0.0.1; --status-host wins)', () => {
    const base = { ...CREDENTIAL, PINLATER_ROUTING_CONFIG: ROUTING };
    expect(loadCopierConfig(base, {}).statusHost).toBe('127.0.0.1');
    expect(loadCopierConfig({ ...base, PINLATER_COPIER_STATUS_HOST: '' }, {}).statusHost).toBe('127.0.0.1');
    expect(loadCopierConfig({ ...base, PINLATER_COPIER_STATUS_HOST: '0.0.0.0' }, {}).statusHost).toBe('0.0.0.0');
    expect(loadCopierConfig({ ...base, PINLATER_COPIER_STATUS_HOST: '0.0.0.0' }, { statusHost: '::1' }).statusHost).toBe('::1');
    let error: unknown;
    try {
      loadCopierConfig(base, { statusHost: 'copier.local' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "PINLATER_COPIER_STATUS_HOST: must be an IP address to listen on (127.0.0.1: this host only, 0.0.0.0: every interface), got 'copier.local'",
    ]);
  });

  it('needs the routing config and the operator credential', () => {
    expect(() => loadCopierConfig(CREDENTIAL, {})).toThrow(/PINLATER_ROUTING_CONFIG/);
    expect(() => loadCopierConfig({ PINLATER_ROUTING_CONFIG: ROUTING }, {})).toThrow(/PINLATER_ROUTING_CREDENTIAL/);
  });
});
