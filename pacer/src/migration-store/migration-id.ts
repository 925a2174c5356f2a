import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';

/** `job_moves.migration_id` and `queue_migrations.migration_id`: VARCHAR(100) ascii (migration 0002). */
export const MAX_MIGRATION_ID_LENGTH = 100;

/** A migration id fits its columns exactly (1 … 100 printable ASCII characters); UNKNOWN otherwise. */
export function checkMigrationId(migrationId: string): void {
  if (migrationId.length === 0 || migrationId.length > MAX_MIGRATION_ID_LENGTH || !/^[\x20-\x7e]*$/.test(migrationId)) {
    throw new PinLaterError(ErrorCode.UNKNOWN, `Invalid migration id (1 to ${MAX_MIGRATION_ID_LENGTH} printable ASCII characters): ${migrationId}`);
  }
}
