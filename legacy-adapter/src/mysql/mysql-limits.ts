import { MysqlStoreError } from './mysql-errors';

/**
 * Column limits PinLater leaves to the server's sql_mode (FACTS §11.16, §11.25). On a non-strict
 * server PinLater silently truncates (a cut body; a cut claim descriptor whose follow-up SELECT
 * finds nothing, stranding the claimed rows until the claim timeout). We refuse such values before
 * touching the database, exactly as a strict-mode server would, whatever the server's mode.
 * docs/compatibility.md, "Legacy MySQL: over-long claim descriptors and bodies".
 */
export const CLAIM_DESCRIPTOR_MAX_CHARS = 200;
export const BODY_MAX_BYTES = 65_535;

export function checkClaimDescriptor(claimDescriptor: string): void {
  if ([...claimDescriptor].length > CLAIM_DESCRIPTOR_MAX_CHARS) {
    throw dataTooLong('claim_descriptor', `${[...claimDescriptor].length} characters > ${CLAIM_DESCRIPTOR_MAX_CHARS}`);
  }
}

export function checkBodySize(body: Buffer): void {
  if (body.length > BODY_MAX_BYTES) throw dataTooLong('body', `${body.length} bytes > ${BODY_MAX_BYTES}`);
}

function dataTooLong(column: string, detail: string): MysqlStoreError {
  return new MysqlStoreError(
    'other',
    `com.mysql.jdbc.MysqlDataTruncation: Data truncation: Data too long for column '${column}' at row 1 (${detail})`,
  );
}
