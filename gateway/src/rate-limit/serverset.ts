/** Number of servers in a serverset file: its non-empty `host:port` lines (FACTS §3.7). */
export function countServers(content: string): number {
  return content.split(/\r?\n/).filter((line) => line.trim().length > 0).length;
}
