import { parseQueueConfig, QueueConfigError } from './queue-config-schema';

describe('parseQueueConfig (Jackson 1.9 strictness)', () => {
  it('parses the PinLater example and ignores unknown queueConfig properties', () => {
    expect(parseQueueConfig('{"queues":[{"name":"a","queueConfig":{"maxJobsPerSecond":2.5,"other":1}}]}')).toEqual({
      queues: [{ name: 'a', maxJobsPerSecond: 2.5 }],
    });
  });

  it('absent/null/empty queues and null JSON are valid "keep old limits" configs', () => {
    expect(parseQueueConfig('{}').queues).toBeNull();
    expect(parseQueueConfig('{"queues":null}').queues).toBeNull();
    expect(parseQueueConfig('{"queues":[]}').queues).toEqual([]);
    expect(parseQueueConfig('null').queues).toBeNull();
  });

  it('missing maxJobsPerSecond is 0.0 (paused)', () => {
    expect(parseQueueConfig('{"queues":[{"name":"a","queueConfig":{}}]}').queues?.[0]?.maxJobsPerSecond).toBe(0);
  });

  it.each([
    ['unknown root property', '{"queues":[],"extra":1}'],
    ['unknown queue property', '{"queues":[{"name":"a","queueConfig":{},"x":1}]}'],
    ['duplicate names', '{"queues":[{"name":"a","queueConfig":{}},{"name":"a","queueConfig":{}}]}'],
    ['missing queueConfig', '{"queues":[{"name":"a"}]}'],
    ['not JSON', '{'],
    ['non-numeric rate', '{"queues":[{"name":"a","queueConfig":{"maxJobsPerSecond":"fast"}}]}'],
  ])('rejects %s', (_why, text) => {
    expect(() => parseQueueConfig(text)).toThrow(QueueConfigError);
  });
});
