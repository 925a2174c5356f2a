#!/usr/bin/env node
// `pinlater-copier` (package.json "bin"): the migration copier process. In the repository it runs
// the TypeScript entry migration/src/copier/main.ts through tsx's CommonJS loader; where the
// sources are absent (a deployment image holding the compiled build, `npm run build`), it runs the
// compiled entry dist/migration/src/copier/main.js instead.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'migration', 'src', 'copier', 'main.ts');
const entry = existsSync(source) ? (require('tsx/cjs'), source) : join(__dirname, '..', 'dist', 'migration', 'src', 'copier', 'main.js');
// runCopierProcess logs its own failures (a pino `fatal` line); should one escape it, it is still
// one JSON object on one line (level 60 = fatal), like every other line the copier writes.
require(entry).runCopierProcess().catch((e) => {
  const message = `pinlater-copier: ${e && e.message ? e.message : String(e)}`;
  process.stderr.write(`${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, name: 'pinlater-copier', msg: message })}\n`);
  process.exit(1);
});
