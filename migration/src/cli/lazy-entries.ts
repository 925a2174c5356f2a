/**
 * The heavy public entries, loaded on first use: gateway/index.ts (the routing config loader and,
 * through the backend registry, every datastore client) and pacer/index.ts take about 1.5 s to
 * load, which `--help` and usage errors never need. `require`, not `import()`: the CLI runs as
 * CommonJS through tsx's CJS loader, where `import()` of a .ts file is not resolved.
 */
import type * as GatewayIndex from '../../../gateway/index';
import type * as PacerIndex from '../../../pacer/index';

export type GatewayEntry = typeof GatewayIndex;
export type PacerEntry = typeof PacerIndex;

export function gatewayEntry(): GatewayEntry {
  return require('../../../gateway/index') as GatewayEntry;
}

export function pacerEntry(): PacerEntry {
  return require('../../../pacer/index') as PacerEntry;
}
