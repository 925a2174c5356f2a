import { DEFAULT_ROUTING_ROOT, historySequence, RoutingNameError, RoutingPaths } from './routing-paths';

describe('routing paths', () => {
  it('lays the table out under its root', () => {
    const paths = new RoutingPaths();
    expect(paths.root).toBe(DEFAULT_ROUTING_ROOT);
    expect(paths.table()).toBe('/pinlater-routing/table');
    expect(paths.queue('my_queue_1')).toBe('/pinlater-routing/queues/my_queue_1');
    expect(paths.historyEntryPrefix()).toBe('/pinlater-routing/history/entry-');
    expect(paths.historyEntry('entry-0000000042')).toBe('/pinlater-routing/history/entry-0000000042');
    expect(paths.gateway('gw-1.host:9010')).toBe('/pinlater-routing/gateways/gw-1.host:9010');
    expect(paths.limit('my_queue_1')).toBe('/pinlater-routing/limits/my_queue_1');
    expect(new RoutingPaths('/ops/routing').fixedNodes()).toEqual(['/ops/routing', '/ops/routing/table', '/ops/routing/queues', '/ops/routing/history', '/ops/routing/gateways', '/ops/routing/limits']);
  });

  it.each(['', '/', 'relative', '/trailing/', '/a//b', '/a/../b', '/a b'])('refuses the root %p', (root) => {
    expect(() => new RoutingPaths(root)).toThrow(RoutingNameError);
  });

  it.each(['', '../table', 'a/b', '.', 'dash-name', 'dot.name', 'x'.repeat(256), 'späce'])('refuses the queue name %p (not a PinLater name)', (queue) => {
    expect(() => new RoutingPaths().queue(queue)).toThrow(RoutingNameError);
    expect(() => new RoutingPaths().limit(queue)).toThrow(RoutingNameError);
  });

  it.each(['', '.', '..', 'a/b', 'x'.repeat(129)])('refuses the gateway id %p', (id) => {
    expect(() => new RoutingPaths().gateway(id)).toThrow(RoutingNameError);
  });

  it('reads history sequence numbers', () => {
    expect(historySequence('entry-0000000042')).toBe(42);
    expect(historySequence('entry-42')).toBeUndefined();
    expect(historySequence('other-0000000042')).toBeUndefined();
  });
});
