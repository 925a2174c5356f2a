import type { GatewayPresence } from '../routing/gateway-presence';
import { parseAdminAddresses } from './gateway-admin-limits';
import { parseJobsPerSecond } from './limits-command';
import { describeLimitsBehind, gatewayLimitsStates } from './limits-gateway-wait';

const presence = (gatewayId: string, limitsVersion?: number): GatewayPresence => ({
  format: 1, gatewayId, host: 'h', pid: 1, startedAt: 'x', appliedVersion: 3, loaded: true, updatedAt: 'y', ...(limitsVersion === undefined ? {} : { limitsVersion }),
});

describe('which gateways apply a limits version', () => {
  it('applied at or above it, behind below it, not-applying without the field (an older gateway)', () => {
    const states = gatewayLimitsStates([presence('a', 7), presence('b', 8), presence('c', 6), presence('d')], 7);
    expect(states.map((s) => [s.gatewayId, s.state, s.limitsVersion])).toEqual([['a', 'applied', 7], ['b', 'applied', 8], ['c', 'behind', 6], ['d', 'not-applying', null]]);
    expect(describeLimitsBehind(states)).toBe('c (applied 6), d (applies no ZooKeeper limits)');
  });
});

describe('limit command options', () => {
  it.each([['0', 0], ['12', 12], ['0.5', 0.5], ['1000000000', 1e9]])('takes the rate %p', (text, rate) => {
    expect(parseJobsPerSecond(text)).toBe(rate);
  });

  it.each(['-1', 'fast', '1e3', '', '2000000000', 'NaN', '1.'])('refuses the rate %p', (text) => {
    expect(() => parseJobsPerSecond(text)).toThrow(/jobs\/s/);
  });

  it('takes host:port lists and refuses anything else', () => {
    expect(parseAdminAddresses('127.0.0.1:9999, gw-2.example:10999')).toEqual(['127.0.0.1:9999', 'gw-2.example:10999']);
    expect(parseAdminAddresses('[::1]:9999')).toEqual(['[::1]:9999']);
    for (const bad of ['nohostport', 'h:99999', 'h:port', ',', 'http://h:1']) expect(() => parseAdminAddresses(bad)).toThrow();
  });
});
