import { createHash } from 'node:crypto';
import { splitSqlStatements } from '../../../core/src/sql/sql-text';
import { recordedChecksumMatches, statementsChecksum, WHOLE_FILE_CHECKSUMS } from './migration-checksum';

const checksumOf = (text: string): string => statementsChecksum(splitSqlStatements(text));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const FILE = '-- 0001: a table\nCREATE TABLE IF NOT EXISTS t (\n  id INT NOT NULL, -- the key\n  PRIMARY KEY (id)\n);\n';

describe('migration checksums cover what runs, not the comments', () => {
  it('a comment or layout change keeps the checksum', () => {
    const recommented = '-- 0001: a table (fixed comment)\n\nCREATE TABLE IF NOT EXISTS t ( id INT\tNOT NULL,\n    PRIMARY KEY (id) -- new\n) ;\n-- trailer\n';
    expect(checksumOf(recommented)).toBe(checksumOf(FILE));
  });

  it('a statement change changes it', () => {
    expect(checksumOf(FILE.replace('INT NOT NULL', 'BIGINT NOT NULL'))).not.toBe(checksumOf(FILE));
    expect(checksumOf(`${FILE}CREATE TABLE u (x INT);\n`)).not.toBe(checksumOf(FILE));
    expect(checksumOf(FILE.replace('(\n  id', "(\n  note VARCHAR(5) DEFAULT 'a  b',\n  id"))).not.toBe(
      checksumOf(FILE.replace('(\n  id', "(\n  note VARCHAR(5) DEFAULT 'a b',\n  id")),
    );
  });

  it('accepts a recorded statements checksum, or a known whole-file checksum whose statements are unchanged', () => {
    const current = checksumOf(FILE);
    expect(recordedChecksumMatches(1, current, current)).toBe(true);
    const [legacy, entry] = [...WHOLE_FILE_CHECKSUMS][0] as [string, { version: number; statements: string }];
    expect(recordedChecksumMatches(entry.version, entry.statements, legacy)).toBe(true);
  });

  it('refuses an unknown whole-file checksum, a known one whose statements changed, or one of another version', () => {
    const current = checksumOf(FILE);
    expect(recordedChecksumMatches(1, current, sha256(FILE))).toBe(false);
    const [legacy, entry] = [...WHOLE_FILE_CHECKSUMS][0] as [string, { version: number; statements: string }];
    expect(recordedChecksumMatches(entry.version, current, legacy)).toBe(false);
    expect(recordedChecksumMatches(entry.version + 1, entry.statements, legacy)).toBe(false);
  });
});
