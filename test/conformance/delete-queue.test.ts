/** deleteQueue: salted password hash, absent password as "null", checked before anything (FACTS §3.4). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { CONFORMANCE_ADMIN_PASSWORD, pinlaterPasswordHash } from './harness/gateway-harness';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describe('PinLater password hash (the value the conformance gateways are configured with)', () => {
  it('matches FACTS §3.4: sha256(password + salt), lowercase hex', () => {
    expect(pinlaterPasswordHash('secret')).toBe('63b747ec220ad5b796386abf1a12a2b046201537078df846e5e433bd5e46601b');
  });
});

describeConformance('deleteQueue (ADMIN_PASSWORD_HASH = hash of a real password)', (ctx) => {
  it('deletes the queue with the right password: no longer listed, enqueue → QUEUE_NOT_FOUND', async () => {
    const queue = await ctx.newQueue('del');
    await ctx.client.enqueue(queue, [{ body: 'a' }, { body: 'b' }]);
    await ctx.client.deleteQueue(queue, CONFORMANCE_ADMIN_PASSWORD);
    expect(await ctx.client.queueNames()).not.toContain(queue);
    await expectPinLaterError(ctx.client.enqueue(queue, [{ body: 'c' }]), ErrorCode.QUEUE_NOT_FOUND);
  });

  it('deletes the pending and in-progress jobs with the queue (a re-created queue is empty)', async () => {
    const queue = await ctx.newQueue('delre');
    await ctx.client.enqueue(queue, [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    await ctx.client.dequeue({ queue, limit: 1 });
    await ctx.client.deleteQueue(queue, CONFORMANCE_ADMIN_PASSWORD);
    await ctx.client.createQueue(queue);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(0);
    expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(0);
    expect((await ctx.client.dequeue({ queue, limit: 10 })).jobs).toBeNull();
  });

  it('succeeds for a queue that does not exist, creates nothing and leaves other queues alone', async () => {
    const bystander = await ctx.newQueue('bystander');
    const [descriptor] = await ctx.client.enqueue(bystander, [{ body: 'stay' }]);
    const never = ctx.queueName('never');
    await ctx.client.deleteQueue(never, CONFORMANCE_ADMIN_PASSWORD);
    const names = await ctx.client.queueNames();
    expect(names).not.toContain(never);
    expect(names).toContain(bystander);
    expect((await ctx.client.lookupOne(descriptor as string))?.jobState).toBe(JobState.PENDING);
    await expectPinLaterError(ctx.client.enqueue(never, [{ body: 'x' }]), ErrorCode.QUEUE_NOT_FOUND);
  });

  it.each([
    ['a wrong password', 'not-the-password'],
    ['the empty string', ''],
    ['the salted hash itself', pinlaterPasswordHash(CONFORMANCE_ADMIN_PASSWORD)],
    ['an absent password (hashed as the text "null")', null],
  ])('refuses %s with PASSWORD_INVALID and deletes nothing', async (_what, password) => {
    const queue = await ctx.newQueue('keep');
    const [descriptor] = await ctx.client.enqueue(queue, [{ body: 'stay' }]);
    await expectPinLaterError(ctx.client.deleteQueue(queue, password), ErrorCode.PASSWORD_INVALID);
    expect(await ctx.client.queueNames()).toContain(queue);
    expect(await ctx.client.lookupOne(descriptor as string)).toBeDefined();
  });

  it('checks the password before anything else: an invalid or unknown name still gets PASSWORD_INVALID', async () => {
    await expectPinLaterError(ctx.client.deleteQueue('bad-name!', 'wrong'), ErrorCode.PASSWORD_INVALID);
    await expectPinLaterError(ctx.client.deleteQueue(ctx.queueName('none'), 'wrong'), ErrorCode.PASSWORD_INVALID);
  });
});

describeConformance(
  'deleteQueue (ADMIN_PASSWORD_HASH = hash of "null")',
  (ctx) => {
    it('accepts an absent password, because PinLater hashes a null password as the text "null"', async () => {
      const queue = await ctx.newQueue('nullpw');
      await ctx.client.deleteQueue(queue, null);
      expect(await ctx.client.queueNames()).not.toContain(queue);
    });

    it('accepts the literal text "null" too, and still refuses the empty string', async () => {
      const queue = await ctx.newQueue('nulltext');
      await expectPinLaterError(ctx.client.deleteQueue(queue, ''), ErrorCode.PASSWORD_INVALID);
      await ctx.client.deleteQueue(queue, 'null');
      expect(await ctx.client.queueNames()).not.toContain(queue);
    });
  },
  { gateway: { adminPasswordHash: pinlaterPasswordHash(null) } },
);
