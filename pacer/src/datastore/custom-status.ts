import { CUSTOM_STATUS_MAX_CHARS } from './tables';

/** First 5000 characters (code points, as MySQL counts them) of a custom status. */
export function truncateCustomStatus(status: string): string {
  if (status.length <= CUSTOM_STATUS_MAX_CHARS) return status;
  return Array.from(status).slice(0, CUSTOM_STATUS_MAX_CHARS).join('');
}
