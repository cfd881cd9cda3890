// The statistics behind the choice measures: every share is shown with its denominator and a 95% confidence
// interval, and a figure meant for publication hides small numbers. Pure: no I/O.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Counts below this are hidden in anything meant for publication (NHS England's usual rule for open data). */
export const SUPPRESS_BELOW = 10;

export interface Share {
  /** how many had the property */
  count: number;
  /** out of how many */
  denominator: number;
  /** count / denominator, or null when the denominator is 0 */
  value: number | null;
  /** the Wilson score interval's bounds (95%), or null when the denominator is 0 */
  low: number | null;
  high: number | null;
}

/**
 * The Wilson score interval for `count` out of `n`: unlike the normal approximation it stays within 0 to 1 and
 * behaves at 0 and at n, which small practices' figures reach all the time.
 */
export function wilson(count: number, n: number, z = Z95): { low: number; high: number } | null {
  if (!Number.isInteger(count) || !Number.isInteger(n) || count < 0 || n < 0 || count > n) {
    throw new RangeError(`wilson(${count}, ${n}): need whole numbers with 0 <= count <= n`);
  }
  if (n === 0) return null;
  const p = count / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At the ends the exact bound is 0 or 1; rounding must not push it past.
  return { low: count === 0 ? 0 : Math.max(0, centre - half), high: count === n ? 1 : Math.min(1, centre + half) };
}

/** `count` of `denominator` as a share with its interval. */
export function share(count: number, denominator: number): Share {
  const ci = wilson(count, denominator);
  return { count, denominator, value: denominator === 0 ? null : count / denominator, low: ci?.low ?? null, high: ci?.high ?? null };
}

/** Whether a count must be hidden for publication: 1 to 9 (0 says nothing about anyone and is shown). */
export function isSmallNumber(count: number): boolean {
  return count > 0 && count < SUPPRESS_BELOW;
}
