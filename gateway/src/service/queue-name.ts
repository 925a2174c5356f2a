/** PinLater's createQueue check: Java `\w+` full match, i.e. ASCII `[A-Za-z0-9_]+` (FACTS §3.1). */
const VALID_QUEUE_NAME = /^[A-Za-z0-9_]+$/;

export function isValidQueueName(name: string): boolean {
  return VALID_QUEUE_NAME.test(name);
}
