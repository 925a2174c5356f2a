/**
 * `--help` for a benchmark: prints the file's own header comment (the first `/** … *\/` block,
 * which says what it measures and how to run it) and exits 0, so no benchmark starts by accident.
 *
 *   exitWithHeaderHelp(__filename);   // first line of main()
 */
import { readFileSync } from 'node:fs';

export function headerComment(file: string): string {
  const text = readFileSync(file, 'utf8');
  const m = /\/\*\*([\s\S]*?)\*\//.exec(text);
  if (m === null) return '';
  return (m[1] as string)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

export function exitWithHeaderHelp(file: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(`${headerComment(file)}\n`);
  process.exit(0);
}
