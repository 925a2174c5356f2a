import { createHash } from 'node:crypto';

const SALT = 'VHzMjY2Kb9BYlyrbtpyFvnHVPZAvB5Rm';

/**
 * PinLater's deleteQueue password hash (FACTS §3.4): lowercase hex SHA-256 of the UTF-8 bytes of
 * `password + salt`; an absent password is Java's `null + salt`, i.e. the text "null".
 */
export function saltedPasswordHash(password: string | undefined): string {
  return createHash('sha256').update(`${password ?? 'null'}${SALT}`, 'utf8').digest('hex');
}

/** An absent or empty ADMIN_PASSWORD_HASH refuses every password, as in PinLater. */
export function isAdminPassword(password: string | undefined, adminPasswordHash: string | undefined): boolean {
  if (!adminPasswordHash) return false;
  return saltedPasswordHash(password) === adminPasswordHash;
}
