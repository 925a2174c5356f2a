/**
 * One SQL identifier for SQL text: back-quoted, a backtick inside doubled (MySQL "Schema Object
 * Names"). Every name pasted into a statement goes through here (issue 8): whatever it contains,
 * it stays one identifier.
 */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
