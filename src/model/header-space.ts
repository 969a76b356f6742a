import { AddressSet, type Family } from './address-set.js';
import { IntervalSet } from './interval-set.js';
import { keywords } from './keywords.js';

export const PORT_MAX = 65535n;
export const PROTOCOL_MAX = 255n;

/** IANA protocol numbers for the names firewalls print. */
const PROTOCOL_NUMBERS = keywords<number>({
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'icmp6': 58,
  ospf: 89,
  sctp: 132,
  udplite: 136,
});

const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'],
  [2, 'igmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'ipv6-icmp'],
  [89, 'ospf'],
  [132, 'sctp'],
  [136, 'udplite'],
]);

/** Protocols whose flows carry port numbers; for the others the port dimensions are always full. */
export const PORTED_PROTOCOLS = [6, 17, 132, 136] as const;

export function protocolNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (/^\d+$/.test(lower)) {
    const n = Number(lower);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOL_NUMBERS.get(lower);
}

export function protocolName(n: number): string {
  return PROTOCOL_NAMES.get(n) ?? String(n);
}

export const Ports = {
  any: (): IntervalSet => IntervalSet.full(PORT_MAX),
  none: (): IntervalSet => IntervalSet.empty(PORT_MAX),
  range: (lo: number, hi: number = lo): IntervalSet => IntervalSet.range(PORT_MAX, BigInt(lo), BigInt(hi)),
  of: (ranges: Iterable<readonly [number, number]>): IntervalSet =>
    IntervalSet.of(PORT_MAX, [...ranges].map(([lo, hi]) => [BigInt(lo), BigInt(hi)] as const)),
  /** `443`, `50000-59999`, `5061, 5269` — for messages. */
  format: (set: IntervalSet): string =>
    set.isFull() ? 'any' : set.intervals.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', '),
};

export const Protocols = {
  any: (): IntervalSet => IntervalSet.full(PROTOCOL_MAX),
  only: (...numbers: number[]): IntervalSet =>
    IntervalSet.of(PROTOCOL_MAX, numbers.map((n) => [BigInt(n), BigInt(n)] as const)),
  format: (set: IntervalSet): string =>
    set.isFull()
      ? 'any'
      : set.intervals
          .map(([lo, hi]) => (lo === hi ? protocolName(Number(lo)) : `${lo}-${hi}`))
          .join(', '),
};

/**
 * A product of one set per flow dimension (Batfish's "header space"): every flow whose source address,
 * destination address, protocol, source port and destination port each fall in the matching set.
 * A rule's match, a documented requirement and a verdict are all unions of these.
 *
 * ICMP and ICMPv6 flows have no ports, so their two port dimensions carry the ICMP type (`dport`) and code
 * (`sport`): an `--icmp-type 8` match is then exact instead of uncertain. Other portless protocols keep both full.
 */
export interface HeaderSpace {
  readonly src: AddressSet;
  readonly dst: AddressSet;
  readonly proto: IntervalSet;
  readonly sport: IntervalSet;
  readonly dport: IntervalSet;
}

/** A union of header spaces; the engine keeps its members pairwise disjoint. */
export type FlowSet = readonly HeaderSpace[];

export function headerSpace(parts: Partial<HeaderSpace> & { family?: Family }): HeaderSpace {
  const any = parts.family ? AddressSet.any(parts.family) : AddressSet.any();
  return {
    src: parts.src ?? any,
    dst: parts.dst ?? any,
    proto: parts.proto ?? Protocols.any(),
    sport: parts.sport ?? Ports.any(),
    dport: parts.dport ?? Ports.any(),
  };
}

export function isEmptySpace(h: HeaderSpace): boolean {
  return h.src.isEmpty() || h.dst.isEmpty() || h.proto.isEmpty() || h.sport.isEmpty() || h.dport.isEmpty();
}

export function overlapsSpace(a: HeaderSpace, b: HeaderSpace): boolean {
  return (
    a.proto.overlaps(b.proto) &&
    a.dport.overlaps(b.dport) &&
    a.dst.overlaps(b.dst) &&
    a.src.overlaps(b.src) &&
    a.sport.overlaps(b.sport)
  );
}

export function intersectSpace(a: HeaderSpace, b: HeaderSpace): HeaderSpace | undefined {
  if (!overlapsSpace(a, b)) return undefined;
  return {
    src: a.src.intersect(b.src),
    dst: a.dst.intersect(b.dst),
    proto: a.proto.intersect(b.proto),
    sport: a.sport.intersect(b.sport),
    dport: a.dport.intersect(b.dport),
  };
}

/**
 * a − b as disjoint header spaces: peel off, one dimension at a time, the part of `a` outside `b`
 * in that dimension, then narrow `a` to `b` in it. At most five pieces.
 */
export function subtractSpace(a: HeaderSpace, b: HeaderSpace): HeaderSpace[] {
  if (!overlapsSpace(a, b)) return [a];
  const out: HeaderSpace[] = [];
  let rest: HeaderSpace = a;
  for (const dim of DIMENSIONS) {
    const outside = subtractDim(rest, b, dim);
    if (outside) out.push(outside);
    rest = { ...rest, [dim]: intersectDim(rest, b, dim) };
  }
  return out;
}

const DIMENSIONS = ['proto', 'dport', 'dst', 'src', 'sport'] as const;
type Dimension = (typeof DIMENSIONS)[number];

function subtractDim(a: HeaderSpace, b: HeaderSpace, dim: Dimension): HeaderSpace | undefined {
  const left = (a[dim] as AddressSet & IntervalSet).subtract(b[dim] as AddressSet & IntervalSet);
  return left.isEmpty() ? undefined : { ...a, [dim]: left };
}

function intersectDim(a: HeaderSpace, b: HeaderSpace, dim: Dimension): AddressSet | IntervalSet {
  return (a[dim] as AddressSet & IntervalSet).intersect(b[dim] as AddressSet & IntervalSet);
}

export function intersectFlows(a: FlowSet, b: FlowSet): HeaderSpace[] {
  const out: HeaderSpace[] = [];
  for (const x of a) {
    for (const y of b) {
      const both = intersectSpace(x, y);
      if (both) out.push(both);
    }
  }
  return out;
}

/** a − b; disjoint members of `a` stay disjoint. */
export function subtractFlows(a: FlowSet, b: FlowSet): HeaderSpace[] {
  let out: HeaderSpace[] = [...a];
  for (const y of b) {
    const next: HeaderSpace[] = [];
    for (const x of out) next.push(...subtractSpace(x, y));
    out = next;
  }
  return out;
}
