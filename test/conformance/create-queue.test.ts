/** createQueue and getQueueNames (FACTS §3.1, §5.6, §6.3, §11.23). */
import { describeConformance } from './harness/conformance-suite';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('createQueue / getQueueNames', (ctx) => {
  it('creates a queue that getQueueNames lists and that accepts jobs', async () => {
    const queue = ctx.queueName('create');
    await ctx.client.createQueue(queue);
    expect(await ctx.client.queueNames()).toContain(queue);
    expect(await ctx.client.enqueue(queue, [{ body: 'x' }])).toHaveLength(1);
  });

  it('accepts every \\w+ name: letters, digits, underscores, leading digit or underscore', async () => {
    const names = [`${ctx.queueName('A_b')}_9`, `9${ctx.queueName('x')}`, `_${ctx.queueName('u')}`];
    for (const name of names) await ctx.client.createQueue(name);
    expect(await ctx.client.queueNames()).toEqual(expect.arrayContaining(names));
  });

  it.each([
    ['empty', ''],
    ['dash', 'bad-name'],
    ['space', 'bad name'],
    ['dot', 'bad.name'],
    ['colon', 'bad:name'],
    ['non-ASCII letter (Java \\w is ASCII)', 'caf\u00e9'],
    ['trailing newline', 'name\n'],
  ])('rejects a name with %s: QUEUE_NAME_INVALID "Invalid queue name: <name>"', async (_what, name) => {
    await expectPinLaterError(ctx.client.createQueue(name), ErrorCode.QUEUE_NAME_INVALID, `Invalid queue name: ${name}`);
    expect(await ctx.client.queueNames()).not.toContain(name);
  });

  it('is idempotent: creating an existing queue succeeds and keeps its jobs', async () => {
    const queue = await ctx.newQueue('idem');
    const [descriptor] = await ctx.client.enqueue(queue, [{ body: 'kept' }]);
    await ctx.client.createQueue(queue);
    await ctx.client.createQueue(queue);
    const info = await ctx.client.lookupOne(descriptor as string, true);
    expect(info?.body?.toString()).toBe('kept');
    expect((await ctx.client.queueNames()).filter((n) => n === queue)).toHaveLength(1);
  });

  it('getQueueNames returns a set without duplicates', async () => {
    await ctx.newQueue('dup');
    const names = await ctx.client.queueNames();
    expect(new Set(names).size).toBe(names.length);
  });
});
