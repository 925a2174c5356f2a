/** Commander argument parsers for numeric options (a bad value is a usage error, exit 64). */
import { InvalidArgumentError } from 'commander';
import { MAX_RATE_PER_S } from '../../../core/src/migration/migration-rate';

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

/** A copy rate in jobs/s: a positive integer up to MAX_RATE_PER_S. */
export function parseRate(value: string): number {
  const n = parsePositive(value);
  if (n > MAX_RATE_PER_S) throw new InvalidArgumentError(`expected at most ${MAX_RATE_PER_S} jobs/s`);
  return n;
}
