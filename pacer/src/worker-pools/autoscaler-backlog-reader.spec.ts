import nock from 'nock';
import { HttpBacklogSource } from './autoscaler-backlog-reader';

const body = (queue: string, ready: number, rate: number): object => ({ queue, ready, inProgress: 4, future: 7, dequeueRatePerSecond: rate, system: 'pacer', at: '2026-12-03T00:00:00.000Z' });

describe('HttpBacklogSource', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('asks every gateway and sums their dequeue rates', async () => {
    nock('http://gw-a:9011').get('/backlog').query({ queue: 'q_1' }).reply(200, body('q_1', 123, 10));
    nock('http://gw-b:9011').get('/backlog').query({ queue: 'q_1' }).reply(200, body('q_1', 123, 2.5));
    const reading = await new HttpBacklogSource(['http://gw-a:9011', 'http://gw-b:9011/']).read('q_1');
    expect(reading).toEqual({ ok: true, sample: { ready: 123, inProgress: 4, future: 7, dequeueRatePerSecond: 12.5, answered: 2, asked: 2 } });
  });

  it('says why when no gateway gives a backlog: error statuses, bodies outside the contract, timeouts', async () => {
    nock('http://gw-a:9011').get('/backlog').query(true).reply(404, { error: 'unknown queue' });
    nock('http://gw-b:9011').get('/backlog').query(true).reply(200, { queue: 'q', ready: -1 });
    nock('http://gw-c:9011').get('/backlog').query(true).delay(500).reply(200, body('q', 1, 1));
    nock('http://gw-d:9011').get('/backlog').query(true).reply(503, 'unavailable');
    const reading = await new HttpBacklogSource(['http://gw-a:9011', 'http://gw-b:9011', 'http://gw-c:9011', 'http://gw-d:9011'], 100).read('q');
    expect(reading.ok).toBe(false);
    const problem = reading.ok ? '' : reading.problem;
    expect(problem).toContain('http://gw-a:9011/backlog?queue=q: 404: the gateway does not know the queue');
    expect(problem).toMatch(/gw-b:9011\/backlog\?queue=q: not the backlog contract: ready: /);
    expect(problem).toContain('gw-c:9011/backlog?queue=q: no answer within 100 ms');
    expect(problem).toContain('gw-d:9011/backlog?queue=q: 503: the gateway cannot read the backlog now');
  });

  it('does not take an answer about another queue', async () => {
    nock('http://gw-a:9011').get('/backlog').query(true).reply(200, body('other', 5, 1));
    const reading = await new HttpBacklogSource(['http://gw-a:9011']).read('q');
    expect(reading).toEqual({ ok: false, problem: 'http://gw-a:9011/backlog?queue=q: answered for queue "other"' });
  });
});
