import { AddressSet, type Family } from '../model/address-set.js';
import { intersectFlows, subtractFlows, type HeaderSpace } from '../model/header-space.js';
import { IntervalSet } from '../model/interval-set.js';
import type { NatRule } from '../model/rule-graph.js';
import { appliesTo, type PathContext } from './path-context.js';

/**
 * Address translation as filters see it. A flow set is cut into pieces, each translated by at most one
 * destination and one source NAT rule (the first of each kind whose match fits, in the device's order). A
 * filter at a stage before the rule's `seenFromStage` sees a piece as it arrived, a filter from that stage on
 * sees it translated; verdicts are mapped back, so every outcome names flows as they arrived.
 */

/** One NAT rule applied to one piece: how a header maps forward (as translated) and back (as it arrived). */
export interface Translation {
  readonly rule: NatRule;
  forward(h: HeaderSpace): HeaderSpace;
  back(h: HeaderSpace): HeaderSpace;
  /** Several arriving addresses or ports map onto one (or one onto a pool): the way back cannot tell which. */
  readonly manyToOne: boolean;
}

export interface NatPiece {
  readonly flows: HeaderSpace[];
  readonly translations: readonly Translation[];
}

/** Cuts `flows` by the first destination and the first source translation that applies to each part. */
export function natPieces(nat: readonly NatRule[], flows: HeaderSpace[], ctx: PathContext): NatPiece[] {
  if (nat.length === 0) return [{ flows, translations: [] }];
  let pieces: NatPiece[] = [{ flows, translations: [] }];
  for (const kind of ['destination', 'source'] as const) {
    const rules = nat.filter((r) => r.kind === kind && r.enabled && appliesTo(r, ctx));
    if (rules.length === 0) continue;
    pieces = pieces.flatMap((piece) => {
      const out: NatPiece[] = [];
      let rest = piece.flows;
      for (const rule of rules) {
        if (rest.length === 0) break;
        const hit = intersectFlows(rest, rule.match.flows);
        if (hit.length === 0) continue;
        rest = subtractFlows(rest, rule.match.flows);
        out.push({ flows: hit, translations: [...piece.translations, translation(rule)] });
      }
      if (rest.length > 0) out.push({ flows: rest, translations: piece.translations });
      return out;
    });
  }
  return pieces;
}

/** The translations a filter at `stage` sees applied. */
export function seenAt(piece: NatPiece, stage: number): readonly Translation[] {
  return piece.translations.filter((t) => stage >= t.rule.seenFromStage);
}

export function forwardAll(ts: readonly Translation[], flows: readonly HeaderSpace[]): HeaderSpace[] {
  return ts.length === 0 ? [...flows] : flows.map((h) => ts.reduce((x, t) => t.forward(x), h));
}

export function backAll(ts: readonly Translation[], flows: readonly HeaderSpace[]): HeaderSpace[] {
  return ts.length === 0 ? [...flows] : flows.map((h) => ts.reduceRight((x, t) => t.back(x), h));
}

/**
 * The translation of one rule. Addresses and ports map one to one (a /24 onto a /24, 443 onto 4443) when the
 * matched range and the target range are single intervals of the same size; otherwise everything matched maps
 * onto the whole target, and back onto everything matched.
 */
export function translation(rule: NatRule): Translation {
  const dstSide = rule.kind === 'destination';
  const matched = rule.match.flows;
  const fromAddresses = matched.reduce((a, h) => a.union(dstSide ? h.dst : h.src), AddressSet.NONE);
  const fromPorts = matched.reduce<IntervalSet | undefined>((a, h) => (a ? a.union(dstSide ? h.dport : h.sport) : dstSide ? h.dport : h.sport), undefined);
  const addresses = rule.toAddresses ? addressMap(fromAddresses, rule.toAddresses) : undefined;
  const ports = rule.toPorts && fromPorts ? intervalMap(fromPorts, rule.toPorts) : undefined;
  const get = (h: HeaderSpace) => (dstSide ? { a: h.dst, p: h.dport } : { a: h.src, p: h.sport });
  const set = (h: HeaderSpace, a: AddressSet, p: IntervalSet): HeaderSpace => (dstSide ? { ...h, dst: a, dport: p } : { ...h, src: a, sport: p });
  return {
    rule,
    manyToOne: (addresses?.manyToOne ?? false) || (ports?.manyToOne ?? false),
    forward(h) {
      const { a, p } = get(h);
      return set(h, addresses ? addresses.forward(a) : a, ports ? ports.forward(p) : p);
    },
    back(h) {
      const { a, p } = get(h);
      return set(h, addresses ? addresses.back(a) : a, ports ? ports.back(p) : p);
    },
  };
}

interface SetMap<S> {
  forward(s: S): S;
  back(s: S): S;
  manyToOne: boolean;
}

function addressMap(from: AddressSet, to: AddressSet): SetMap<AddressSet> {
  const family: Family | undefined = to.families().length === 1 ? to.families()[0] : undefined;
  const toSet = family === 'ipv6' ? to.v6 : to.v4;
  const fromSet = family === 'ipv6' ? from.v6 : from.v4;
  const map = family && from.families().length === 1 && from.families()[0] === family ? intervalMap(fromSet, toSet) : undefined;
  if (!map) return { forward: () => to, back: () => from, manyToOne: true };
  return {
    forward: (a) => AddressSet.fromIntervals(family!, map.forward(family === 'ipv6' ? a.v6 : a.v4).intervals),
    back: (a) => AddressSet.fromIntervals(family!, map.back(family === 'ipv6' ? a.v6 : a.v4).intervals),
    manyToOne: map.manyToOne,
  };
}

/** One to one by offset when both sides are one interval of one size; otherwise all of `from` onto all of `to`. */
export function intervalMap(from: IntervalSet, to: IntervalSet): SetMap<IntervalSet> {
  const [f] = from.intervals;
  const [t] = to.intervals;
  if (from.intervals.length === 1 && to.intervals.length === 1 && f![1] - f![0] === t![1] - t![0]) {
    const shift = (s: IntervalSet, by: bigint, within: IntervalSet) => IntervalSet.of(s.max, s.intersect(within).intervals.map(([lo, hi]) => [lo + by, hi + by] as const));
    const offset = t![0] - f![0];
    return { forward: (s) => shift(s, offset, from), back: (s) => shift(s, -offset, to), manyToOne: false };
  }
  return { forward: () => to, back: () => from, manyToOne: !(to.size() === 1n && from.size() === 1n) };
}

/**
 * Where a role is named by its real (translated) address, flows from the far side of a NAT rule arrive
 * addressed to the rule's mapped side: a destination rule publishes real servers under public addresses, a
 * source rule sends them out under public ones. Returns the addresses as they arrive on this path, and the
 * rules that made the difference. `kind` is the side of the flow the addresses are on.
 */
export function asArriving(nat: readonly NatRule[], kind: NatRule['kind'], addresses: AddressSet, ctx: PathContext, applies: (rule: NatRule) => boolean): { addresses: AddressSet; rules: NatRule[] } {
  let result = addresses;
  const rules: NatRule[] = [];
  for (const rule of nat) {
    if (rule.kind !== kind || !rule.enabled || !rule.toAddresses || !appliesTo(rule, ctx) || !applies(rule)) continue;
    const real = result.intersect(rule.toAddresses);
    if (real.isEmpty()) continue;
    const from = rule.match.flows.reduce((a, h) => a.union(kind === 'destination' ? h.dst : h.src), AddressSet.NONE);
    result = result.subtract(real).union(addressMap(from, rule.toAddresses).back(real));
    rules.push(rule);
  }
  return { addresses: result, rules };
}

/**
 * Flows as a filter at `stage` on this path sees them, piece by piece, each with the way back to the flows as
 * they arrived. Lets a check match a rule that names translated addresses against flows named as they arrive.
 */
export interface SeenFlows {
  readonly seen: HeaderSpace[];
  back(hs: readonly HeaderSpace[]): HeaderSpace[];
}

export function asSeenAt(nat: readonly NatRule[], flows: HeaderSpace[], ctx: PathContext, stage: number): SeenFlows[] {
  return natPieces(nat, flows, ctx).map((piece) => {
    const ts = seenAt(piece, stage);
    return { seen: forwardAll(ts, piece.flows), back: (hs) => backAll(ts, hs) };
  });
}

/**
 * The destination ports under which NAT rules publish `space`'s ports: a port forward of public port 8443 to a
 * server's 23456 makes 23456 reachable from outside as 8443. Returns the given ports together with those.
 */
export function publishedPorts(nat: readonly NatRule[], space: HeaderSpace, ctx: PathContext, applies: (rule: NatRule) => boolean): { dport: IntervalSet; rules: NatRule[] } {
  let dport = space.dport;
  const rules: NatRule[] = [];
  for (const rule of nat) {
    if (rule.kind !== 'destination' || !rule.enabled || !rule.toPorts || !appliesTo(rule, ctx) || !applies(rule)) continue;
    const reached = space.dport.intersect(rule.toPorts);
    if (reached.isEmpty() || !rule.match.flows.some((h) => h.dst.overlaps(space.dst))) continue;
    const from = rule.match.flows.map((h) => h.dport).reduce((a, b) => a.union(b));
    dport = dport.union(intervalMap(from, rule.toPorts).back(reached));
    rules.push(rule);
  }
  return { dport, rules };
}
