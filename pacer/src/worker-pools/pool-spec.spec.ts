import { parsePoolSpec } from './pool-spec';

const VALID = {
  queue: 'thumbs', image: 'registry.example.com/thumbs:1.4', command: ['node', 'worker.js'],
  resources: { requests: { cpu: '250m' } }, minReplicas: 1, maxReplicas: 10, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 300, concurrency: 8,
};

const parse = (fields: Record<string, unknown>): ReturnType<typeof parsePoolSpec> => parsePoolSpec(JSON.stringify({ ...VALID, ...fields }), 'thumbs.json');

describe('parsePoolSpec: statusPort', () => {
  it('is optional: absent, the spec has none', () => {
    const { spec, problems } = parse({});
    expect(problems).toEqual([]);
    expect(spec?.statusPort).toBeUndefined();
  });

  it.each([1024, 9100, 65_535])('takes an unprivileged port (%d)', (port) => {
    expect(parse({ statusPort: port })).toMatchObject({ spec: { statusPort: port }, problems: [] });
  });

  it.each([0, 80, 1023, 65_536, 9100.5, '9100', null])('refuses %p, naming the file and the field', (port) => {
    expect(parse({ statusPort: port })).toEqual({ problems: ['thumbs.json: statusPort: a port from 1024 to 65535'] });
  });

  it('keeps the runtime\'s status variables out of the spec\'s env', () => {
    expect(parse({ env: { PINLATER_WORKER_STATUS_PORT: '9100' } }).problems).toEqual([
      'thumbs.json: env.PINLATER_WORKER_STATUS_PORT: PINLATER_* names are set by the runtime (worker-env.ts)',
    ]);
    expect(parse({ env: { 'NOT-A-NAME': 'x' } }).problems).toEqual(['thumbs.json: env.NOT-A-NAME: an environment variable name']);
  });
});
