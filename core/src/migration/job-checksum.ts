import { createHash } from 'node:crypto';
import type { PortableJob } from '../types/job';

const MASK = (1n << 64n) - 1n;

/**
 * A job's checksum for migration verification: the first 64 bits of the sha256 over what a move
 * must keep exactly (body as stored, priority, state, attempts allowed and remaining, custom
 * status), as 16 hex digits. Created time and run-after are left out: legacy MySQL keeps whole
 * seconds (FACTS §5.3), so a round trip through it changes the millisecond digits by design.
 */
export function jobChecksum(job: Pick<PortableJob, 'body' | 'priority' | 'state' | 'attemptsAllowed' | 'attemptsRemaining' | 'customStatus'>): string {
  const h = createHash('sha256');
  const header = Buffer.alloc(4 * 5);
  header.writeInt32BE(job.priority, 0);
  header.writeInt32BE(job.state, 4);
  header.writeInt32BE(job.attemptsAllowed, 8);
  header.writeInt32BE(job.attemptsRemaining, 12);
  header.writeInt32BE(job.body.length, 16);
  h.update(header).update(job.body).update(Buffer.from(job.customStatus, 'utf8'));
  return h.digest('hex').slice(0, 16);
}

/** Order-independent sum of checksums (mod 2^64), as 16 hex digits. */
export function sumChecksums(checksums: Iterable<string>): string {
  let sum = 0n;
  for (const c of checksums) sum = (sum + BigInt(`0x${c}`)) & MASK;
  return sum.toString(16).padStart(16, '0');
}

/** Adds two sums of `sumChecksums` (mod 2^64). */
export function addChecksums(a: string, b: string): string {
  return sumChecksums([a, b]);
}
