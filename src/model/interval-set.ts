/**
 * A set of non-negative integers in [0, max], stored as sorted, disjoint, non-adjacent closed intervals.
 *
 * Every dimension of a flow (addresses, protocols, ports) is one of these, so set algebra is exact:
 * a negated match (`! --dport 22`) is a complement, a comma list is a union, and a shadowed rule is
 * found by subtraction — never by sampling values.
 *
 * The bounds live in one flat array, [lo0, hi0, lo1, hi1, …]: plain numbers when the universe fits in a
 * double exactly (ports, protocols, IPv4), bigints only for IPv6. A 100,000-rule filter holds a few hundred
 * thousand of these sets, so their size and the garbage they make decide the audit's speed and memory.
 * Every operation is written once: `<` and `===` work alike on both kinds, and `inc`/`dec` keep the kind.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

type Bound = number | bigint;

const EXACT_NUMBER_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);
const EMPTY = new Map<bigint, IntervalSet>();
const FULL = new Map<bigint, IntervalSet>();

const inc = (x: Bound): Bound => (typeof x === 'number' ? x + 1 : x + 1n);
const dec = (x: Bound): Bound => (typeof x === 'number' ? x - 1 : x - 1n);

export class IntervalSet {
  private constructor(
    readonly max: bigint,
    /** The universe's upper bound in the kind the bounds are stored in. */
    private readonly top: Bound,
    private readonly b: readonly Bound[],
  ) {}

  /**
   * A set made by an operation: `out` grew by `push`, which leaves room for 16 more bounds, and a 100,000-rule
   * filter keeps hundreds of thousands of these; an exact-size copy holds only what it needs.
   */
  private static kept(max: bigint, top: Bound, out: Bound[]): IntervalSet {
    return new IntervalSet(max, top, out.slice());
  }

  /** Sets are immutable, so the empty and full set of each universe are shared: parsers make millions of them. */
  static empty(max: bigint): IntervalSet {
    let set = EMPTY.get(max);
    if (!set) EMPTY.set(max, (set = new IntervalSet(max, kindOf(max)(max), [])));
    return set;
  }

  static full(max: bigint): IntervalSet {
    let set = FULL.get(max);
    if (!set) {
      const top = kindOf(max)(max);
      FULL.set(max, (set = new IntervalSet(max, top, [kindOf(max)(0n), top])));
    }
    return set;
  }

  /** The interval [lo, hi]; throws if it leaves the universe, because a parser passed a value it failed to validate. */
  static range(max: bigint, lo: bigint, hi: bigint): IntervalSet {
    if (lo < 0n || hi > max || lo > hi) throw new RangeError(`interval [${lo}, ${hi}] is outside [0, ${max}]`);
    if (lo === 0n && hi === max) return IntervalSet.full(max);
    const kind = kindOf(max);
    return new IntervalSet(max, kind(max), [kind(lo), kind(hi)]);
  }

  static of(max: bigint, intervals: Iterable<Interval>): IntervalSet {
    const list = Array.isArray(intervals) ? (intervals as readonly Interval[]) : [...intervals];
    if (list.length === 0) return IntervalSet.empty(max);
    if (list.length === 1) return IntervalSet.range(max, list[0]![0], list[0]![1]);
    for (const [lo, hi] of list) if (lo < 0n || hi > max || lo > hi) throw new RangeError(`interval [${lo}, ${hi}] is outside [0, ${max}]`);
    const kind = kindOf(max);
    const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Bound[] = [];
    for (const [rawLo, rawHi] of sorted) {
      const lo = kind(rawLo);
      const hi = kind(rawHi);
      const n = out.length;
      if (n > 0 && lo <= inc(out[n - 1]!)) {
        if (hi > out[n - 1]!) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return IntervalSet.kept(max, kind(max), out);
  }

  /** The intervals as bigint pairs, for formatting; the operations never need them. */
  get intervals(): Interval[] {
    const out: Interval[] = [];
    for (let k = 0; k < this.b.length; k += 2) out.push([BigInt(this.b[k]!), BigInt(this.b[k + 1]!)]);
    return out;
  }

  /** How many intervals the set has. */
  get count(): number {
    return this.b.length / 2;
  }

  isEmpty(): boolean {
    return this.b.length === 0;
  }

  isFull(): boolean {
    // `== 0` holds for both kinds of bound (0 and 0n).
    return this.b.length === 2 && this.b[0] == 0 && this.b[1] === this.top;
  }

  has(value: bigint): boolean {
    const v = typeof this.top === 'number' ? Number(value) : value;
    // Binary search: filters with long port lists are common.
    let lo = 0;
    let hi = this.b.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (v < this.b[2 * mid]!) hi = mid - 1;
      else if (v > this.b[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of values in the set. */
  size(): bigint {
    let n = 0n;
    for (let k = 0; k < this.b.length; k += 2) n += BigInt(this.b[k + 1]!) - BigInt(this.b[k]!) + 1n;
    return n;
  }

  lowest(): bigint | undefined {
    return this.b.length === 0 ? undefined : BigInt(this.b[0]!);
  }

  highest(): bigint | undefined {
    return this.b.length === 0 ? undefined : BigInt(this.b[this.b.length - 1]!);
  }

  /** The lowest and highest value as doubles (exact up to 2^53: ports, protocols, IPv4), for bounding boxes. */
  numericBounds(): [number, number] | undefined {
    return this.b.length === 0 ? undefined : [Number(this.b[0]!), Number(this.b[this.b.length - 1]!)];
  }

  union(other: IntervalSet): IntervalSet {
    this.sameUniverse(other);
    if (other.isEmpty() || this.isFull()) return this;
    if (this.isEmpty() || other.isFull()) return other;
    const a = this.b;
    const c = other.b;
    const out: Bound[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < c.length) {
      // Take the interval that starts first, and merge it into the last one when they touch.
      const fromA = j >= c.length || (i < a.length && a[i]! <= c[j]!);
      const lo = fromA ? a[i]! : c[j]!;
      const hi = fromA ? a[i + 1]! : c[j + 1]!;
      if (fromA) i += 2;
      else j += 2;
      const n = out.length;
      if (n > 0 && lo <= inc(out[n - 1]!)) {
        if (hi > out[n - 1]!) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return IntervalSet.kept(this.max, this.top, out);
  }

  intersect(other: IntervalSet): IntervalSet {
    this.sameUniverse(other);
    if (this.isFull() || other.isEmpty()) return other;
    if (other.isFull() || this.isEmpty()) return this;
    const a = this.b;
    const c = other.b;
    const out: Bound[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < c.length) {
      const lo = a[i]! > c[j]! ? a[i]! : c[j]!;
      const hi = a[i + 1]! < c[j + 1]! ? a[i + 1]! : c[j + 1]!;
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < c[j + 1]!) i += 2;
      else j += 2;
    }
    // Unchanged: keep the existing set, so callers that compare or cache by identity keep working cheaply.
    return out.length === a.length && sameBounds(out, a) ? this : IntervalSet.kept(this.max, this.top, out);
  }

  /** True when the sets share a value; cheaper than `intersect(...).isEmpty()` because it stops early. */
  overlaps(other: IntervalSet): boolean {
    this.sameUniverse(other);
    const a = this.b;
    const c = other.b;
    if (a.length === 0 || c.length === 0) return false;
    // A single interval against many (a rule's /32 against "any but 20,000 hosts"): binary search.
    if (a.length === 2) return overlapsOne(c, a[0]!, a[1]!);
    if (c.length === 2) return overlapsOne(a, c[0]!, c[1]!);
    let i = 0;
    let j = 0;
    while (i < a.length && j < c.length) {
      if ((a[i]! > c[j]! ? a[i]! : c[j]!) <= (a[i + 1]! < c[j + 1]! ? a[i + 1]! : c[j + 1]!)) return true;
      if (a[i + 1]! < c[j + 1]!) i += 2;
      else j += 2;
    }
    return false;
  }

  complement(): IntervalSet {
    if (this.isEmpty()) return IntervalSet.full(this.max);
    if (this.isFull()) return IntervalSet.empty(this.max);
    const out: Bound[] = [];
    let next: Bound = typeof this.top === 'number' ? 0 : 0n;
    for (let k = 0; k < this.b.length; k += 2) {
      if (this.b[k]! > next) out.push(next, dec(this.b[k]!));
      next = inc(this.b[k + 1]!);
    }
    if (next <= this.top) out.push(next, this.top);
    return IntervalSet.kept(this.max, this.top, out);
  }

  subtract(other: IntervalSet): IntervalSet {
    this.sameUniverse(other);
    if (other.isEmpty() || this.isEmpty()) return this;
    if (other.isFull()) return IntervalSet.empty(this.max);
    const a = this.b;
    const c = other.b;
    const out: Bound[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i]!;
      const hi = a[i + 1]!;
      // Skip the holes that end before this interval, then cut out each one that overlaps it.
      while (j < c.length && c[j + 1]! < lo) j += 2;
      let k = j;
      while (k < c.length && c[k]! <= hi) {
        if (c[k]! > lo) out.push(lo, dec(c[k]!));
        lo = inc(c[k + 1]!);
        if (c[k + 1]! >= hi) break;
        k += 2;
      }
      // What is left after the last hole (none when a hole reached past hi).
      if (lo <= hi) out.push(lo, hi);
    }
    return out.length === a.length && sameBounds(out, a) ? this : IntervalSet.kept(this.max, this.top, out);
  }

  isSubsetOf(other: IntervalSet): boolean {
    return this.subtract(other).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    return this.max === other.max && this.b.length === other.b.length && sameBounds(this.b, other.b);
  }

  private sameUniverse(other: IntervalSet): void {
    if (other.max !== this.max) throw new RangeError(`cannot combine sets over [0, ${this.max}] and [0, ${other.max}]`);
  }
}

/** Numbers where they are exact, bigints beyond. */
function kindOf(max: bigint): (v: bigint) => Bound {
  return max <= EXACT_NUMBER_LIMIT ? Number : (v) => v;
}

function sameBounds(x: readonly Bound[], y: readonly Bound[]): boolean {
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}

/** Whether any interval of the flat list `b` meets [lo, hi]. */
function overlapsOne(b: readonly Bound[], lo: Bound, hi: Bound): boolean {
  // The first interval whose upper bound reaches lo; it overlaps when it also starts by hi.
  let left = 0;
  let right = b.length / 2;
  while (left < right) {
    const mid = (left + right) >> 1;
    if (b[2 * mid + 1]! < lo) left = mid + 1;
    else right = mid;
  }
  return left < b.length / 2 && b[2 * left]! <= hi;
}
