/**
 * Routing gateway only (issue 10; the routing profiles, backends/routing.ts): where calls land.
 * The rest of the suite runs unchanged on these profiles through the same PinLater clients, and
 * each routing block ends with the placement check (every queue on a system is there because its
 * routing record says so); these tests look at each system directly, beside the wire.
 */
import { PACER_SYSTEM } from '../../core/src/routing/routing-backend';
import { JobState as DomainJobState } from '../../core/src/types/job-state';
import { legacyMysqlProfile } from './backends/legacy-mysql';
import { legacyRedisProfile } from './backends/legacy-redis';
import { pacerProfile } from './backends/pacer';
import { backendOf, CONFORMANCE_OPERATOR as OPERATOR, placementProblems, SYSTEM_NAMES, type SystemName } from './backends/routed-systems';
import { ROUTING_PROFILES, routedGatewayOf, routingLegacyMysqlProfile, routingLegacyRedisProfile, routingPacerProfile } from './backends/routing';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { CONFORMANCE_ADMIN_PASSWORD } from './harness/gateway-harness';
import { selectedProfiles } from './harness/profiles';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

function recordFields(system: SystemName): { mode: 'legacy' | 'pacer'; legacyCluster: string | null } {
  return system === PACER_SYSTEM ? { mode: 'pacer', legacyCluster: null } : { mode: 'legacy', legacyCluster: system };
}

describe('routing profiles', () => {
  it('have the traits of the system their queues land on', () => {
    expect(routingLegacyRedisProfile.traits).toEqual(legacyRedisProfile.traits);
    expect(routingLegacyMysqlProfile.traits).toEqual(legacyMysqlProfile.traits);
    expect(routingPacerProfile.traits).toEqual(pacerProfile.traits);
  });
});

const routingProfiles = selectedProfiles().filter((p) => ROUTING_PROFILES.includes(p));

if (routingProfiles.length > 0) {
  describeConformance(
    'routing gateway: where calls land',
    (ctx) => {
      const routed = () => routedGatewayOf(ctx.backend);
      const direct = (name: SystemName) => backendOf(routed().systems, name);
      const holders = async (queue: string): Promise<SystemName[]> => {
        const out: SystemName[] = [];
        for (const name of SYSTEM_NAMES) if ((await direct(name).getQueueNames()).has(queue)) out.push(name);
        return out;
      };

      it('createQueue records the queue at the default destination; the queue and every call about it stay there', async () => {
        const { system, gatewayId, systems } = routed();
        const queue = await ctx.newQueue('placed');
        expect(await systems.table.store.read(queue)).toMatchObject({ ...recordFields(system), version: 1, changedBy: `gateway:${gatewayId}` });
        expect(await holders(queue)).toEqual([system]);
        const [a, b, c] = (await ctx.client.enqueue(queue, [{ body: 'a' }, { body: 'b', attemptsAllowed: 3 }, { body: 'c' }])) as [string, string, string];
        expect(await direct(system).getJobCount({ queue, state: DomainJobState.PENDING, future: false })).toBe(3);
        expect(Object.keys((await ctx.client.dequeue({ queue, limit: 3 })).jobs ?? {}).sort()).toEqual([a, b, c].sort());
        await ctx.client.ack({ queue, succeeded: [{ descriptor: a }], failed: [{ descriptor: b }] });
        await ctx.client.checkpoint(queue, [{ descriptor: c, newBody: 'c2', moveToPending: true }]);
        const seen = await direct(system).lookupJobs({ descriptors: [a, b, c], includeBody: true });
        expect([seen.get(a)?.state, seen.get(b)?.state, seen.get(b)?.attemptsRemaining, seen.get(c)?.state, seen.get(c)?.body?.toString()])
          .toEqual([DomainJobState.SUCCEEDED, DomainJobState.PENDING, 2, DomainJobState.PENDING, 'c2']);
        expect(await placementProblems(systems, { id: gatewayId, expected: system })).toEqual([]);
      });

      it('a queue the operator routed to another system is created and served there by the same gateway', async () => {
        const { system, systems } = routed();
        for (const other of SYSTEM_NAMES.filter((name) => name !== system)) {
          const queue = ctx.queueName('elsewhere');
          await systems.table.store.write(queue, { ...recordFields(other), changedBy: OPERATOR, reason: 'routed away from the default destination' }, 0);
          await ctx.client.createQueue(queue);
          expect({ other, on: await holders(queue) }).toEqual({ other, on: [other] });
          const [d] = (await ctx.client.enqueue(queue, [{ body: 'there' }])) as [string];
          expect((await direct(other).lookupJobs({ descriptors: [d], includeBody: true })).get(d)?.body?.toString()).toBe('there');
          expect(Object.keys((await ctx.client.dequeue({ queue, limit: 5 })).jobs ?? {})).toEqual([d]);
          await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
          expect((await direct(other).lookupJobs({ descriptors: [d], includeBody: false })).get(d)?.state).toBe(DomainJobState.SUCCEEDED);
          expect(await ctx.client.lookupOne(d)).toMatchObject({ jobDescriptor: d, jobState: JobState.SUCCEEDED });
          // The gateway created the queue under the operator's record and left the record alone.
          expect(await systems.table.store.read(queue)).toMatchObject({ ...recordFields(other), version: 1, changedBy: OPERATOR });
        }
      });

      it('getQueueNames is the union of every system; each decoy is read on its own system', async () => {
        const { systems } = routed();
        const decoys = [...systems.decoys.values()];
        expect(await ctx.client.queueNames()).toEqual(expect.arrayContaining(decoys.map((d) => d.queue)));
        const infos = await ctx.client.lookup(decoys.map((d) => d.descriptor), true);
        for (const decoy of decoys) {
          expect(infos[decoy.descriptor]).toMatchObject({ jobState: JobState.PENDING, body: Buffer.from('decoy') });
          expect(await ctx.client.count({ queue: decoy.queue, state: JobState.PENDING })).toBe(1);
        }
      });

      it('a queue with no record that no system holds is answered by the default destination and gets no record', async () => {
        const { systems } = routed();
        const missing = ctx.queueName('nowhere');
        await expectPinLaterError(ctx.client.enqueue(missing, [{ body: 'x' }]), ErrorCode.QUEUE_NOT_FOUND);
        expect(await systems.table.store.read(missing)).toBeUndefined();
        expect(await holders(missing)).toEqual([]);
      });

      it('deleteQueue keeps the routing record: the queue is re-created on the system its record names', async () => {
        const { system, gatewayId, systems } = routed();
        const queue = await ctx.newQueue('deleted');
        await ctx.client.enqueue(queue, [{ body: 'gone' }]);
        await ctx.client.deleteQueue(queue, CONFORMANCE_ADMIN_PASSWORD);
        expect(await holders(queue)).toEqual([]);
        expect(await systems.table.store.read(queue)).toMatchObject({ ...recordFields(system), version: 1, changedBy: `gateway:${gatewayId}` });
        await ctx.client.createQueue(queue);
        expect(await holders(queue)).toEqual([system]);
        expect(await direct(system).getJobCount({ queue, state: DomainJobState.PENDING, future: false })).toBe(0);
      });

      it('the placement check reports a queue on a system its record does not name, and one without a record', async () => {
        const { system, systems } = routed();
        const other = SYSTEM_NAMES.find((name) => name !== system) as SystemName;
        const recorded = ctx.queueName('misplaced');
        const unrecorded = ctx.queueName('norecord');
        await systems.table.store.write(recorded, { ...recordFields(system), changedBy: OPERATOR, reason: 'placement check' }, 0);
        try {
          await direct(other).createQueue(recorded);
          await direct(other).createQueue(unrecorded);
          expect((await placementProblems(systems)).sort()).toEqual([
            `queue ${recorded} is on ${other}, its record routes it to ${system}`,
            `queue ${unrecorded} is on ${other} without a routing record`,
          ]);
        } finally {
          await direct(other).deleteQueue(recorded);
          await direct(other).deleteQueue(unrecorded);
        }
        expect(await placementProblems(systems)).toEqual([]);
      });
    },
    { profiles: routingProfiles },
  );
}
