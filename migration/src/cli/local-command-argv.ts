/**
 * What runs for a table command (config/local-processes.conf), exactly as scripts/up.sh runs it:
 * the words of the command, without a shell; a leading `npx <tool>` becomes
 * `<root>/node_modules/.bin/<tool>` when that file is executable (npm exec does not pass SIGTERM
 * on to the tool, tsx does, so a stop reaches the process).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export function commandArgv(root: string, argv: readonly string[], executable: (file: string) => boolean = isExecutable): string[] {
  const [first, tool, ...rest] = argv;
  if (first === 'npx' && tool !== undefined && !tool.includes('/')) {
    const bin = join(root, 'node_modules', '.bin', tool);
    if (executable(bin)) return [bin, ...rest];
  }
  return [...argv];
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
