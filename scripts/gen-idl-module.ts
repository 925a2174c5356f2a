/**
 * Usage: tsx scripts/gen-idl-module.ts <idl file> <service name> <output file> <header text>
 * Writes the IDL-derived schema/types module (see gateway/src/codegen/emit-idl-module.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseThriftIdl } from '../gateway/src/codegen/idl-parser';
import { emitIdlModule } from '../gateway/src/codegen/emit-idl-module';

const [idlPath, serviceName, outPath, header] = process.argv.slice(2);
if (idlPath === '--help' || idlPath === '-h') {
  process.stdout.write('usage: gen-idl-module.ts <idl> <service> <out.ts> <header>\nWrites the IDL-derived schema/types module (run by scripts/codegen.sh).\n');
  process.exit(0);
}
if (!idlPath || !serviceName || !outPath || header === undefined) {
  process.stderr.write('usage: gen-idl-module.ts <idl> <service> <out.ts> <header>\n');
  process.exit(2);
}
const schema = parseThriftIdl(readFileSync(idlPath, 'utf8'));
writeFileSync(outPath, emitIdlModule(schema, serviceName, header));
