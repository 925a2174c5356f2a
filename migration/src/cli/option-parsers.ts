/** Commander argument parsers for numeric options (a bad value is a usage error, exit 64). */
import { InvalidArgumentError } from 'commander';

export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export function parsePositive(value: string): number {
  const n = parseNonNegative(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
