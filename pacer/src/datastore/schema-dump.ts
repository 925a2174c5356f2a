import type { Pool, RowDataPacket } from 'mysql2/promise';
import { quoteIdentifier } from '../../../core/src/sql/quote-identifier';
import { sql } from './sql-loader';

/**
 * A deterministic text dump of Pacer's schema: `SHOW CREATE TABLE` of every table (sorted, without
 * AUTO_INCREMENT counters) and the applied migration names. Compared with pacer/schema-snapshot.sql.
 */
export async function dumpSchema(pool: Pool): Promise<string> {
  const [tables] = await pool.query<RowDataPacket[]>('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
  const parts = ['-- Pacer schema snapshot. DO NOT EDIT: regenerate with `npx tsx pacer/src/schema-snapshot.ts --write`.'];
  for (const t of tables) {
    const [rows] = await pool.query<RowDataPacket[]>(`SHOW CREATE TABLE ${quoteIdentifier(String(t.name))}`);
    const ddl = String(rows[0]?.['Create Table'] ?? '').replace(/ AUTO_INCREMENT=\d+/, '');
    parts.push(`${ddl};`);
  }
  const [migrations] = await pool.query<RowDataPacket[]>(sql('migrations-select'));
  parts.push(...migrations.map((m) => `-- applied: ${String(m.name)}`));
  return `${parts.join('\n\n')}\n`;
}
