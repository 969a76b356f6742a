/**
 * A set of non-negative integers in [0, max], stored as sorted, disjoint, non-adjacent closed intervals.
 *
 * Every dimension of a flow (addresses, protocols, ports) is one of these, so set algebra is exact:
 * a negated match (`! --dport 22`) is a complement, a comma list is a union, and a shadowed rule is
 * found by subtraction — never by sampling values. `bigint` keeps IPv6 (2^128) in the same type.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

export class IntervalSet {
  private constructor(
    readonly max: bigint,
    readonly intervals: readonly Interval[],
  ) {}

  static empty(max: bigint): IntervalSet {
    return new IntervalSet(max, []);
  }

  static full(max: bigint): IntervalSet {
    return new IntervalSet(max, [[0n, max]]);
  }

  /** The interval [lo, hi]; throws if it leaves the universe, because a parser passed a value it failed to validate. */
  static range(max: bigint, lo: bigint, hi: bigint): IntervalSet {
    if (lo < 0n || hi > max || lo > hi) throw new RangeError(`interval [${lo}, ${hi}] is outside [0, ${max}]`);
    return new IntervalSet(max, [[lo, hi]]);
  }

  static of(max: bigint, intervals: Iterable<Interval>): IntervalSet {
    const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [bigint, bigint][] = [];
    for (const [lo, hi] of sorted) {
      if (lo < 0n || hi > max || lo > hi) throw new RangeError(`interval [${lo}, ${hi}] is outside [0, ${max}]`);
      const last = merged[merged.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else {
        merged.push([lo, hi]);
      }
    }
    return new IntervalSet(max, merged);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  isFull(): boolean {
    const only = this.intervals[0];
    return this.intervals.length === 1 && only !== undefined && only[0] === 0n && only[1] === this.max;
  }

  has(value: bigint): boolean {
    // Binary search: filters with long port lists are common.
    let lo = 0;
    let hi = this.intervals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.intervals[mid]!;
      if (value < a) hi = mid - 1;
      else if (value > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of values in the set. */
  size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.intervals) n += hi - lo + 1n;
    return n;
  }

  lowest(): bigint | undefined {
    return this.intervals[0]?.[0];
  }

  highest(): bigint | undefined {
    return this.intervals[this.intervals.length - 1]?.[1];
  }

  union(other: IntervalSet): IntervalSet {
    this.sameUniverse(other);
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return IntervalSet.of(this.max, [...this.intervals, ...other.intervals]);
  }

  intersect(other: IntervalSet): IntervalSet {
    this.sameUniverse(other);
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    const a = this.intervals;
    const b = other.intervals;
    while (i < a.length && j < b.length) {
      const [alo, ahi] = a[i]!;
      const [blo, bhi] = b[j]!;
      const lo = alo > blo ? alo : blo;
      const hi = ahi < bhi ? ahi : bhi;
      if (lo <= hi) out.push([lo, hi]);
      if (ahi < bhi) i++;
      else j++;
    }
    return new IntervalSet(this.max, out);
  }

  /** True when the sets share a value; cheaper than `intersect(...).isEmpty()` because it stops early. */
  overlaps(other: IntervalSet): boolean {
    this.sameUniverse(other);
    let i = 0;
    let j = 0;
    const a = this.intervals;
    const b = other.intervals;
    while (i < a.length && j < b.length) {
      const [alo, ahi] = a[i]!;
      const [blo, bhi] = b[j]!;
      if ((alo > blo ? alo : blo) <= (ahi < bhi ? ahi : bhi)) return true;
      if (ahi < bhi) i++;
      else j++;
    }
    return false;
  }

  complement(): IntervalSet {
    const out: Interval[] = [];
    let next = 0n;
    for (const [lo, hi] of this.intervals) {
      if (lo > next) out.push([next, lo - 1n]);
      next = hi + 1n;
    }
    if (next <= this.max) out.push([next, this.max]);
    return new IntervalSet(this.max, out);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    return this.intersect(other.complement());
  }

  isSubsetOf(other: IntervalSet): boolean {
    return this.subtract(other).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    if (this.max !== other.max || this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every(([lo, hi], k) => lo === other.intervals[k]![0] && hi === other.intervals[k]![1]);
  }

  private sameUniverse(other: IntervalSet): void {
    if (other.max !== this.max) throw new RangeError(`cannot combine sets over [0, ${this.max}] and [0, ${other.max}]`);
  }
}
