/** The security suite's harness itself: a real gateway process per backend answers, and closes cleanly. */
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type LegacyKind } from './support/gateway-process';

afterAll(assertNoLeaks);

it.each<LegacyKind>(['legacy-redis', 'legacy-mysql'])('%s: a gateway process answers and exits 0 on SIGTERM', async (backend) => {
  const gw = await startGatewayProcess({ backend });
  try {
    const client = await ConformanceClient.connect(gw.address);
    try {
      await client.createQueue('smoke');
      const [d] = await client.enqueue('smoke', [{ body: 'x' }]);
      expect(d).toMatch(/^smoke:s/);
      expect((await gw.stats()).get('smoke_enqueue')).toBe(1);
    } finally {
      await client.close();
    }
  } finally {
    await gw.close();
  }
  expect(await gw.exited()).toBe(0);
});
