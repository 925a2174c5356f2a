/**
 * Claim statements of either claim mode running in MySQL (e.g. queued behind a test's
 * `SELECT … FOR UPDATE` of job rows): a per-job claim's `UPDATE jobs j …` and a lease claim's
 * `INSERT INTO claim_leases …` (lease-claim.sql), whose texts carry `marker` (the claim
 * descriptor). From the process list of `database`.
 */
export async function claimsRunning(db: { query: (text: string, params?: unknown[]) => Promise<unknown> }, database: string, marker: string): Promise<number> {
  const [rows] = (await db.query(
    `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query'
       AND (INFO LIKE 'UPDATE jobs j%' OR INFO LIKE 'INSERT INTO claim_leases%') AND INFO LIKE ?`,
    [database, `%${marker}%`],
  )) as [Array<{ n: number | string }>];
  return Number(rows[0]?.n ?? 0);
}
