/**
 * The local demo's pool specs (config/pools.local/, run by the local runtime that scripts/up.sh
 * starts): they validate, there is one per demo queue of up.sh (DEMO_QUEUE_LIST), and each runs
 * the demo worker example locally through tsx and, compiled, through node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPoolSpecs } from './pool-spec';

const ROOT = join(__dirname, '..', '..', '..');

function upShDemoQueues(): string[] {
  const match = /^DEMO_QUEUE_LIST="([^"]*)"$/m.exec(readFileSync(join(ROOT, 'scripts', 'up.sh'), 'utf8'));
  if (match?.[1] === undefined) throw new Error('scripts/up.sh has no DEMO_QUEUE_LIST="…" line');
  return match[1].split(',');
}

describe('config/pools.local', () => {
  const specs = loadPoolSpecs(join(ROOT, 'config', 'pools.local'));

  it('has one valid pool spec per demo queue of scripts/up.sh', () => {
    expect(specs.map((s) => s.queue).sort()).toEqual(upShDemoQueues().sort());
  });

  it('runs the demo worker example: through tsx locally, compiled in an image; one replica each', () => {
    for (const s of specs) {
      // The SDK's shutdown deadline stays below the runtime's default --stop-deadline (20 s), so a
      // stop never SIGKILLs a worker still sending its final acks.
      const args = ['--failure-ratio', '0.1', '--shutdown-deadline-ms', '15000'];
      expect(s.localCommand).toEqual(['node_modules/.bin/tsx', 'pacer/examples/demo-worker.ts', ...args]);
      expect(s.command).toEqual(['node', 'dist/pacer/examples/demo-worker.js', ...args]);
      expect(s.minReplicas).toBe(1);
      expect(s.image).toMatch(/^registry\.example\.com\/example-only\//);
    }
  });
});
