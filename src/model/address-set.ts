import { Address4, Address6 } from 'ip-address';
import { IntervalSet, type Interval } from './interval-set.js';

export type Family = 'ipv4' | 'ipv6';

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;
/** The other family's half of a single-family set: shared, since parsers build one per address. */
const NO_V4 = IntervalSet.empty(V4_MAX);
const NO_V6 = IntervalSet.empty(V6_MAX);

/**
 * An exact set of IPv4 and IPv6 addresses: one interval set per family.
 * Families never mix: `! -s 10.0.0.0/8` in an IPv4 table is the complement within IPv4 only,
 * which callers express as `AddressSet.any('ipv4').subtract(x)`.
 */
export class AddressSet {
  private constructor(
    readonly v4: IntervalSet,
    readonly v6: IntervalSet,
  ) {}

  static readonly NONE = new AddressSet(NO_V4, NO_V6);

  /** Every address of the given families (both when none is named). */
  static any(...families: Family[]): AddressSet {
    const all = families.length === 0 ? ['ipv4', 'ipv6'] : families;
    return new AddressSet(
      all.includes('ipv4') ? IntervalSet.full(V4_MAX) : NO_V4,
      all.includes('ipv6') ? IntervalSet.full(V6_MAX) : NO_V6,
    );
  }

  static fromIntervals(family: Family, intervals: Iterable<Interval>): AddressSet {
    return family === 'ipv4'
      ? new AddressSet(IntervalSet.of(V4_MAX, intervals), NO_V6)
      : new AddressSet(NO_V4, IntervalSet.of(V6_MAX, intervals));
  }

  /**
   * Parses one address term: `10.0.0.1`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `10.0.0.1-10.0.0.9`,
   * `2001:db8::/32`, `2001:db8::1-2001:db8::9`. Host bits under the prefix are ignored, as every
   * firewall does (`10.1.2.3/8` is 10.0.0.0/8). Throws AddressError on anything else.
   */
  static parse(text: string): AddressSet {
    const cached = parseCache.get(text);
    if (cached) return cached;
    const parsed = parseUncached(text.trim());
    if (parseCache.size > 100_000) parseCache.clear();
    parseCache.set(text, parsed);
    return parsed;
  }

  /** Union of several terms (a comma list, a profile role's address list). */
  static parseAll(terms: Iterable<string>): AddressSet {
    let out = AddressSet.NONE;
    for (const t of terms) out = out.union(AddressSet.parse(t));
    return out;
  }

  isEmpty(): boolean {
    return this.v4.isEmpty() && this.v6.isEmpty();
  }

  families(): Family[] {
    const out: Family[] = [];
    if (!this.v4.isEmpty()) out.push('ipv4');
    if (!this.v6.isEmpty()) out.push('ipv6');
    return out;
  }

  /** Only the part of this set in the given family. */
  only(family: Family): AddressSet {
    return family === 'ipv4'
      ? new AddressSet(this.v4, NO_V6)
      : new AddressSet(NO_V4, this.v6);
  }

  /** True when this set is every address of each family it touches (e.g. `0.0.0.0/0`, `::/0`). */
  isAnyOfItsFamilies(): boolean {
    return !this.isEmpty() && (this.v4.isEmpty() || this.v4.isFull()) && (this.v6.isEmpty() || this.v6.isFull());
  }

  union(o: AddressSet): AddressSet {
    return new AddressSet(this.v4.union(o.v4), this.v6.union(o.v6));
  }

  intersect(o: AddressSet): AddressSet {
    return new AddressSet(this.v4.intersect(o.v4), this.v6.intersect(o.v6));
  }

  subtract(o: AddressSet): AddressSet {
    return new AddressSet(this.v4.subtract(o.v4), this.v6.subtract(o.v6));
  }

  overlaps(o: AddressSet): boolean {
    return this.v4.overlaps(o.v4) || this.v6.overlaps(o.v6);
  }

  isSubsetOf(o: AddressSet): boolean {
    return this.v4.isSubsetOf(o.v4) && this.v6.isSubsetOf(o.v6);
  }

  equals(o: AddressSet): boolean {
    return this.v4.equals(o.v4) && this.v6.equals(o.v6);
  }

  /** A few representative addresses, for messages and for turning a flow set into a concrete example. */
  lowestAddress(): string | undefined {
    const v4 = this.v4.lowest();
    if (v4 !== undefined) return Address4.fromBigInt(v4).correctForm();
    const v6 = this.v6.lowest();
    return v6 === undefined ? undefined : Address6.fromBigInt(v6).correctForm();
  }

  /**
   * Canonical text: each interval as the fewest CIDR prefixes when that takes at most 4, otherwise as a range.
   * Deterministic, so it can feed finding fingerprints.
   */
  toStrings(): string[] {
    return [...formatFamily(this.v4, 32, Address4.fromBigInt), ...formatFamily(this.v6, 128, Address6.fromBigInt)];
  }

  /** For messages: at most a dozen terms, then how many more (a set like "any but 20,000 hosts" stays readable). */
  toString(): string {
    if (this.isEmpty()) return 'none';
    const count = this.v4.count + this.v6.count;
    if (count > MAX_TERMS_SHOWN) {
      const v4 = this.v4.intervals.slice(0, MAX_TERMS_SHOWN);
      const head = new AddressSet(IntervalSet.of(V4_MAX, v4), IntervalSet.of(V6_MAX, this.v6.intervals.slice(0, MAX_TERMS_SHOWN - v4.length)));
      return `${head.toStrings().join(', ')} and ${count - MAX_TERMS_SHOWN} more ranges`;
    }
    const parts: string[] = [];
    if (this.v4.isFull()) parts.push('any IPv4');
    if (this.v6.isFull()) parts.push('any IPv6');
    const rest = new AddressSet(
      this.v4.isFull() ? NO_V4 : this.v4,
      this.v6.isFull() ? NO_V6 : this.v6,
    );
    return [...parts, ...rest.toStrings()].join(', ');
  }
}

export class AddressError extends Error {}

const MAX_TERMS_SHOWN = 12;

const parseCache = new Map<string, AddressSet>();

function parseUncached(text: string): AddressSet {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const lo = parseSingle(text.slice(0, dash));
    const hi = parseSingle(text.slice(dash + 1));
    if (lo.family !== hi.family || lo.value > hi.value) throw new AddressError(`invalid address range "${text}"`);
    return AddressSet.fromIntervals(lo.family, [[lo.value, hi.value]]);
  }
  const slash = text.indexOf('/');
  if (slash > 0 && text.slice(slash + 1).includes('.')) {
    // Dotted mask (`10.0.0.0/255.0.0.0`): ip-address rejects non-contiguous masks, which are not one interval.
    try {
      return fromAddress(Address4.fromAddressAndMask(text.slice(0, slash), text.slice(slash + 1)));
    } catch {
      throw new AddressError(`invalid or non-contiguous network mask in "${text}"`);
    }
  }
  try {
    if (text.includes(':')) return fromAddress(new Address6(text));
    return fromAddress(new Address4(text));
  } catch {
    throw new AddressError(`invalid address "${text}"`);
  }
}

function fromAddress(a: Address4 | Address6): AddressSet {
  const family: Family = a instanceof Address4 ? 'ipv4' : 'ipv6';
  return AddressSet.fromIntervals(family, [[a.startAddress().bigInt(), a.endAddress().bigInt()]]);
}

function parseSingle(text: string): { family: Family; value: bigint } {
  const t = text.trim();
  try {
    if (t.includes(':')) return { family: 'ipv6', value: new Address6(t).bigInt() };
    if (t.includes('/')) throw new Error('prefix in range');
    return { family: 'ipv4', value: new Address4(t).bigInt() };
  } catch {
    throw new AddressError(`invalid address "${text}"`);
  }
}

function formatFamily(set: IntervalSet, bits: number, fromBigInt: (v: bigint) => Address4 | Address6): string[] {
  const out: string[] = [];
  for (const [lo, hi] of set.intervals) {
    const prefixes = toPrefixes(lo, hi, bits);
    if (prefixes.length <= 4) {
      for (const [start, len] of prefixes) {
        const addr = fromBigInt(start).correctForm();
        out.push(len === bits ? addr : `${addr}/${len}`);
      }
    } else {
      out.push(`${fromBigInt(lo).correctForm()}-${fromBigInt(hi).correctForm()}`);
    }
  }
  return out;
}

/** The minimal list of CIDR blocks covering exactly [lo, hi]. */
export function toPrefixes(lo: bigint, hi: bigint, bits: number): [bigint, number][] {
  const out: [bigint, number][] = [];
  let start = lo;
  while (start <= hi) {
    let size = 0;
    // Grow the block while `start` stays aligned to it and it stays within `hi`.
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= hi) {
      size++;
    }
    out.push([start, bits - size]);
    start += 1n << BigInt(size);
  }
  return out;
}
