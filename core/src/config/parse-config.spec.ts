import { z } from 'zod';
import { ConfigError, parseConfig } from './parse-config';

const schema = z.object({
  mysql: z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(1).max(65535) }),
  mode: z.enum(['static', 'zookeeper']),
});

describe('parseConfig', () => {
  it('returns the validated value with defaults applied', () => {
    expect(parseConfig('test config', schema, { mysql: { port: 3306 }, mode: 'static' })).toEqual({ mysql: { host: '127.0.0.1', port: 3306 }, mode: 'static' });
  });

  it('reports every problem at once, each with where it is', () => {
    const failure = (() => {
      try {
        parseConfig('test config', schema, { mysql: { port: 0, host: 7 }, mode: 'embedded' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    const problems = (failure as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.some((p) => p.startsWith('mysql.port: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('mysql.host: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('mode: '))).toBe(true);
    expect((failure as Error).message).toMatch(/^Invalid test config:\n {2}- /);
  });
});
