import { ErrorCode } from '../../../core/src/errors/error-code';
import { PacerDatastoreError, toPinLaterError } from './mysql-errors';

const driverError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.sqlMessage ?? 'x')), fields);

describe('Pacer datastore errors sent to clients (issue 8)', () => {
  it('name the driver code only: no server message, table, column or statement', () => {
    const e = driverError({
      errno: 1054, code: 'ER_BAD_FIELD_ERROR', sqlState: '42S22', sqlMessage: "Unknown column 'bodyx' in 'where clause'",
      sql: "SELECT id FROM jobs WHERE queue = 'q' AND bodyx REGEXP 'secret'",
    });
    const mapped = toPinLaterError(e);
    expect(mapped).toBeInstanceOf(PacerDatastoreError);
    expect(mapped.code).toBe(ErrorCode.UNKNOWN);
    expect(mapped.message).toBe('Pacer datastore error ER_BAD_FIELD_ERROR (1054); details are in the server log');
  });

  it('keep the full detail for the server log', () => {
    const e = driverError({ errno: 1969, sqlState: '70100', sqlMessage: 'Query execution was interrupted (max_statement_time exceeded)', sql: 'SELECT 1' });
    const mapped = toPinLaterError(e) as PacerDatastoreError;
    expect(mapped.message).toBe('Pacer datastore error UNKNOWN (1969); details are in the server log');
    expect(mapped.driver).toEqual({ errno: 1969, sqlState: '70100', message: 'Query execution was interrupted (max_statement_time exceeded)', statement: 'SELECT 1' });
  });

  it("keep the server's message where it names nothing of the schema (an invalid regex)", () => {
    const e = driverError({ errno: 1139, code: 'ER_REGEXP_ERROR', sqlState: '42000', sqlMessage: "Regex error 'missing terminating ] for character class at offset 2'", sql: 'SELECT …' });
    expect(toPinLaterError(e).message).toBe("Pacer datastore error ER_REGEXP_ERROR (1139): Regex error 'missing terminating ] for character class at offset 2'");
  });

  it('keep the mapped codes and our own errors as they were', () => {
    expect(toPinLaterError(driverError({ errno: 1452, code: 'ER_NO_REFERENCED_ROW_2', sqlMessage: 'fk (`pacer`.`jobs`)' })).code).toBe(ErrorCode.QUEUE_NOT_FOUND);
    expect(toPinLaterError(driverError({ code: 'ECONNREFUSED', sqlMessage: 'connect ECONNREFUSED 127.0.0.1:3306' })).code).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    expect(toPinLaterError(new Error('claim groups of one broker must share its owner id')).message).toBe('Error: claim groups of one broker must share its owner id');
  });
});
