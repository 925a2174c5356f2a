/** A commander option parser for a whole number in [min, max] (benchmarks' `--repeat`, `--workers`, …). */
import { InvalidArgumentError } from 'commander';

export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`an integer from ${min} to ${max}`);
    return n;
  };
}
