import { fakeTime } from '../../../test/support/fake-time';
import { MysqlErrno, MYSQL_RETRYABLE, MYSQL_RETRY_MAX_ELAPSED_MS, mysqlRetryRule, withMysqlRetries } from './mysql-retry';

const driverError = (errno: number): Error => Object.assign(new Error(`errno ${errno}`), { errno });

function failingWith(error: Error, times: number): { op: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return { op: () => (calls++ < times ? Promise.reject(error) : Promise.resolve('ok')), calls: () => calls };
}

describe('MySQL retry table', () => {
  it('lists exactly deadlocks and lock wait timeouts, each with bounded, jittered waits', () => {
    expect([...MYSQL_RETRYABLE.keys()].sort()).toEqual([MysqlErrno.LOCK_WAIT_TIMEOUT, MysqlErrno.LOCK_DEADLOCK]);
    for (const rule of MYSQL_RETRYABLE.values()) {
      expect(rule.attempts).toBeGreaterThan(1);
      expect(rule.minDelayMs).toBeGreaterThan(0);
      expect(rule.maxDelayMs).toBeGreaterThan(rule.minDelayMs);
    }
  });

  it('finds the errno on the driver error or on the cause of a store error', () => {
    expect(mysqlRetryRule(driverError(1213))).toBe(MYSQL_RETRYABLE.get(1213));
    expect(mysqlRetryRule(new Error('UNKNOWN', { cause: driverError(1205) }))).toBe(MYSQL_RETRYABLE.get(1205));
    expect(mysqlRetryRule(driverError(1062))).toBeUndefined();
    expect(mysqlRetryRule(Object.assign(new Error('x'), { code: 'ER_LOCK_DEADLOCK' }))).toBeUndefined();
    expect(mysqlRetryRule('not an error')).toBeUndefined();
  });

  it('retries a deadlock victim after a jittered pause, up to the table\'s attempts', async () => {
    const time = fakeTime();
    const deadlock = failingWith(driverError(1213), 1);
    await expect(withMysqlRetries(deadlock.op, time)).resolves.toBe('ok');
    expect(deadlock.calls()).toBe(2);
    const rule = MYSQL_RETRYABLE.get(1213)!;
    expect(time.waits[0]).toBeGreaterThanOrEqual(rule.minDelayMs);
    expect(time.waits[0]).toBeLessThan(rule.maxDelayMs);

    const always = failingWith(driverError(1213), 99);
    await expect(withMysqlRetries(always.op, time)).rejects.toMatchObject({ errno: 1213 });
    expect(always.calls()).toBe(rule.attempts);
  });

  it('does not retry other errors', async () => {
    const duplicate = failingWith(driverError(1062), 1);
    await expect(withMysqlRetries(duplicate.op, fakeTime())).rejects.toMatchObject({ errno: 1062 });
    expect(duplicate.calls()).toBe(1);
  });

  it('takes the attempts from the caller when given (PinLater\'s BACKEND_NUM_AUTO_RETRIES), and counts retries', async () => {
    const retries: number[] = [];
    const always = failingWith(driverError(1205), 99);
    await expect(withMysqlRetries(always.op, { ...fakeTime(), attempts: 5, onRetry: (_e, n) => retries.push(n) })).rejects.toMatchObject({ errno: 1205 });
    expect(always.calls()).toBe(5);
    expect(retries).toEqual([1, 2, 3, 4]);
  });

  it('starts no retry once MYSQL_RETRY_MAX_ELAPSED_MS has passed, unless the caller lifts the bound', async () => {
    const time = fakeTime();
    let calls = 0;
    const slow = (): Promise<never> => {
      calls += 1;
      time.advance(MYSQL_RETRY_MAX_ELAPSED_MS);
      return Promise.reject(driverError(1213));
    };
    await expect(withMysqlRetries(slow, time)).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toBe(1);
    calls = 0;
    await expect(withMysqlRetries(slow, { ...time, maxElapsedMs: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toBe(MYSQL_RETRYABLE.get(1213)!.attempts);
  });
});
