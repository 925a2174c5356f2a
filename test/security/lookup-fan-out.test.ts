/**
 * Issue 8, finding 3: one lookupJobs call with 20,000 descriptors must not stall or fail other
 * clients (MySQL: the pool was monopolised, others got "Timeout waiting for idle object"; Redis: the
 * pipelined commands passed the socket timeout and the replaced connection failed everyone's
 * commands). Real gateway process per legacy backend; the big lookup and a second client's calls
 * run at the same time.
 */
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess, type LegacyKind } from './support/gateway-process';

afterAll(assertNoLeaks);

const DESCRIPTORS = 20_000;

describe.each<LegacyKind>(['legacy-mysql', 'legacy-redis'])('%s gateway', (backend) => {
  let gw: GatewayProcess;
  let big: ConformanceClient;
  let other: ConformanceClient;

  beforeAll(async () => {
    // PinLater's shipped socket timeouts (Redis 1 s, MySQL 5 s) and pool wait (5 s).
    gw = await startGatewayProcess({ backend });
    big = await ConformanceClient.connect(gw.address, 'security:big');
    other = await ConformanceClient.connect(gw.address, 'security:other');
    await big.createQueue('fan');
  });
  afterAll(async () => {
    await big.close();
    await other.close();
    await gw.close();
  });

  it('a 20,000-descriptor lookup fails none of another client\'s calls', async () => {
    const [real] = await big.enqueue('fan', [{ body: 'real' }]);
    const shards = gw.shards;
    const descriptors = Array.from({ length: DESCRIPTORS }, (_, i) => `fan:s${shards[i % shards.length]}:p${1 + (i % 3)}:${1000 + i}`);
    descriptors.push(real as string);
    let lookupDone = false;
    const lookup = big.lookup(descriptors).finally(() => (lookupDone = true));
    const failures: unknown[] = [];
    let calls = 0;
    while (!lookupDone) {
      calls++;
      await other.enqueue('fan', [{ body: `other-${calls}` }]).catch((e: unknown) => failures.push(e));
    }
    const found = await lookup;
    expect(Object.keys(found)).toEqual([real]);
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(1);
  });
});
