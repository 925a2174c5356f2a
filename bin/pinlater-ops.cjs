#!/usr/bin/env node
// `pinlater-ops` (package.json "bin"). In the repository it runs the TypeScript entry
// migration/src/cli/main.ts through tsx's CommonJS loader, so `npx pinlater-ops …` and
// `node bin/pinlater-ops.cjs …` work without a build step. Where the sources are absent (a
// deployment image holding the compiled build, `npm run build`), it runs the compiled entry
// dist/migration/src/cli/main.js instead.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'migration', 'src', 'cli', 'main.ts');
if (existsSync(source)) {
  require('tsx/cjs');
  require(source).runPinlaterOpsProcess();
} else {
  require(join(__dirname, '..', 'dist', 'migration', 'src', 'cli', 'main.js')).runPinlaterOpsProcess();
}
