import { backlogUrl, combineBacklog } from './autoscaler-backlog';

describe('backlog contract', () => {
  it('builds the URL from an admin base, the queue URL-encoded', () => {
    expect(backlogUrl('http://gw:9011', 'a_b')).toBe('http://gw:9011/backlog?queue=a_b');
    expect(backlogUrl('http://gw:9011//', 'a b&c')).toBe('http://gw:9011/backlog?queue=a%20b%26c');
  });

  it('takes the counts from the first gateway that answered and sums the rates of all that answered', () => {
    const reading = combineBacklog([
      { ok: false, url: 'http://a', problem: 'ECONNREFUSED' },
      { ok: true, url: 'http://b', ready: 120, inProgress: 4, future: 7, dequeueRatePerSecond: 10 },
      { ok: true, url: 'http://c', ready: 119, inProgress: 5, future: 7, dequeueRatePerSecond: 2.5 },
    ]);
    expect(reading).toEqual({ ok: true, sample: { ready: 120, inProgress: 4, future: 7, dequeueRatePerSecond: 12.5, answered: 2, asked: 3 } });
  });

  it('is no reading when no gateway answered, naming each one\'s problem', () => {
    expect(combineBacklog([
      { ok: false, url: 'http://a', problem: '503: the gateway cannot read the backlog now', status: 503 },
      { ok: false, url: 'http://b', problem: 'ECONNREFUSED' },
    ])).toEqual({ ok: false, problem: 'http://a: 503: the gateway cannot read the backlog now; http://b: ECONNREFUSED' });
  });
});
