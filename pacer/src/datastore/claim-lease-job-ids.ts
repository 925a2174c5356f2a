/**
 * `claim_leases.job_ids`: a JSON array of the leased jobs' ids as decimal integers, `[17,18,21]`.
 *
 * Precision: `jobs.id` is BIGINT UNSIGNED, and in SQL the array is exact over that whole range
 * (MariaDB's `JSON_TABLE(job_ids, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$'))` reads the digits,
 * not a double; tested). In JS, Pacer holds job ids as numbers everywhere (BrokerStore, the
 * descriptors), which are exact up to 2⁵³ − 1 (Number.MAX_SAFE_INTEGER, about 285 years of
 * AUTO_INCREMENT at a million jobs a second). The lease store never rounds: it refuses to write an
 * id that is not a safe integer, and refuses to read one back (JSON.parse turns any integer above
 * 2⁵³ − 1 into a number that is not safe, so a rounded id cannot pass unnoticed).
 */

/** The JSON text of `ids`; Error unless each is a positive safe integer and there is at least one. */
export function encodeJobIds(ids: readonly number[]): string {
  if (ids.length === 0) throw new Error('a claim lease names at least one job');
  for (const id of ids) checkJobId(id);
  return JSON.stringify(ids);
}

/** The ids of a `job_ids` text; Error when it is not an array of positive safe integers. */
export function decodeJobIds(text: string): number[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`claim lease job_ids is not a non-empty array: ${text.slice(0, 100)}`);
  for (const id of parsed) checkJobId(id);
  return parsed as number[];
}

function checkJobId(id: unknown): void {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new Error(`claim lease job id ${String(id)} is not a positive safe integer (at most 2^53-1): Pacer holds job ids as JS numbers`);
  }
}
