/**
 * Virtual IPs (`config firewall vip`, `vipgrp`): destination NAT. A static-NAT VIP maps `set extip` (an address or a
 * range) one to one onto `set mappedip`; with `set portforward enable` only `set protocol` (tcp by default) to
 * `set extport` is translated, to `set mappedport`. `set src-filter`, `set srcintf-filter` and `set service` narrow
 * what it translates. What one VIP translates is its "grab": the untranslated traffic, as header spaces.
 *
 * FortiOS translates before it looks up a policy: a policy naming a VIP matches the traffic the VIP translated, with
 * its service compared to the translated (mapped) port. Fortinet's "Technical Tip: How to use virtual IPs with
 * non-standard external ports" (community.fortinet.com, ta-p/262988) shows a policy with the external port 8080 as
 * its service failing to match traffic forwarded to mapped port 80 (implicit deny), and says to allow the mapped
 * port. So a policy's match, written on the untranslated flows, is the preimage of what it names under the VIP.
 */
import { AddressError, AddressSet } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, PORT_MAX, Ports, Protocols, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import { IntervalSet, type Interval } from '../../src/model/interval-set.js';
import type { ServiceResolver } from './services.js';
import { ConfigError, valueOf, valuesOf, type Entry } from './tree.js';
import { keywords } from '../../src/model/keywords.js';

interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

export interface PortForward {
  readonly proto: number;
  readonly ext: Range;
  readonly mapped: Range;
}

export interface Vip {
  readonly name: string;
  readonly entry: Entry;
  /** `set extintf`: the interfaces a policy naming the VIP must come from; absent for `any`. */
  readonly extIntf?: string;
  /** `set srcintf-filter`: the only interfaces on which it translates; absent for all (extintf does not limit this). */
  readonly listenOn?: readonly string[];
  readonly ext: Range;
  readonly extAddresses: AddressSet;
  /** Absent when the mapping is not one FortiOS static NAT can express exactly (load balancing, several ranges). */
  readonly mapped?: Range;
  readonly mappedAddresses?: AddressSet;
  readonly portForward?: PortForward;
  readonly enabled: boolean;
  /** `set nat-source-vip enable`: outbound traffic from the mapped addresses takes the external address in every case. */
  readonly natSourceVip: boolean;
  /** The untranslated traffic it translates. */
  readonly grab: readonly HeaderSpace[];
  /** Why its translation is not exactly known (empty: exact). */
  readonly reasons: readonly string[];
}

const PROTOCOLS = keywords<number>({ tcp: 6, udp: 17, sctp: 132, icmp: 1 });

export interface VipContext {
  readonly services: ServiceResolver;
  /** The IPv4 address of an interface, for `set extip 0.0.0.0` (the interface's own address). */
  readonly interfaceAddress: (name: string) => AddressSet | undefined;
}

export function readVip(entry: Entry, ctx: VipContext): Vip {
  const reasons: string[] = [];
  const what = `VIP "${entry.name}"`;
  const type = valueOf(entry, 'type') ?? 'static-nat';
  if (type !== 'static-nat') reasons.push(`${what} is of type ${type}: which server gets the traffic is decided at run time`);
  const extIntf = valueOf(entry, 'extintf') ?? 'any';
  let ext = rangeOf(entry, 'extip', valueOf(entry, 'extip') ?? '0.0.0.0');
  if (ext.lo === 0n && ext.hi === 0n) {
    const own = extIntf === 'any' ? undefined : ctx.interfaceAddress(extIntf);
    const lo = own?.v4.lowest();
    if (lo === undefined) throw new ConfigError(entry.line, `${what}: extip 0.0.0.0 stands for the address of extintf "${extIntf}", which the export does not give`);
    ext = { lo, hi: lo };
  }
  const mappedValues = valuesOf(entry, 'mappedip');
  let mapped: Range | undefined;
  if (mappedValues.length === 1) {
    mapped = rangeOf(entry, 'mappedip', mappedValues[0]!);
    if (mapped.hi - mapped.lo !== ext.hi - ext.lo && mapped.hi !== mapped.lo) {
      reasons.push(`${what} maps ${ext.hi - ext.lo + 1n} external addresses onto ${mapped.hi - mapped.lo + 1n} mapped ones`);
      mapped = undefined;
    }
  } else if (type === 'static-nat') {
    reasons.push(`${what} has ${mappedValues.length} mapped ranges`);
  }
  const portForward = valueOf(entry, 'portforward') === 'enable' ? readPortForward(entry, reasons) : undefined;
  const src = valuesOf(entry, 'src-filter').reduce((acc, t) => acc.union(rangeSet(entry, 'src-filter', t)), AddressSet.NONE);
  const srcSet = src.isEmpty() ? AddressSet.any('ipv4') : src;
  const extSet = AddressSet.fromIntervals('ipv4', [[ext.lo, ext.hi]]);
  let grab: HeaderSpace[];
  if (portForward) {
    grab = [headerSpace({ family: 'ipv4', src: srcSet, dst: extSet, proto: Protocols.only(portForward.proto), dport: portRangeSet(portForward.ext) })];
  } else {
    const filter = valuesOf(entry, 'service');
    const services = filter.length > 0 ? ctx.services.resolveAll(filter, entry.line, false) : undefined;
    if (services && services.reasons.length > 0) reasons.push(...services.reasons);
    grab = (services?.possible ?? [headerSpace({})]).map((h) => ({ ...h, src: srcSet, dst: extSet }));
  }
  const listenOn = valuesOf(entry, 'srcintf-filter');
  return {
    name: entry.name,
    entry,
    ...(extIntf !== 'any' ? { extIntf } : {}),
    ...(listenOn.length > 0 ? { listenOn } : {}),
    ext,
    extAddresses: extSet,
    ...(mapped ? { mapped, mappedAddresses: AddressSet.fromIntervals('ipv4', [[mapped.lo, mapped.hi]]) } : {}),
    ...(portForward ? { portForward } : {}),
    enabled: valueOf(entry, 'status') !== 'disable',
    natSourceVip: valueOf(entry, 'nat-source-vip') === 'enable',
    grab,
    reasons,
  };
}

function readPortForward(entry: Entry, reasons: string[]): PortForward {
  const protocol = valueOf(entry, 'protocol') ?? 'tcp';
  const proto = PROTOCOLS.get(protocol);
  if (proto === undefined) throw new ConfigError(entry.line, `VIP "${entry.name}": unknown protocol "${protocol}"`);
  const extText = valueOf(entry, 'extport') ?? '0';
  const ext = portRange(entry, 'extport', extText);
  const mapped = portRange(entry, 'mappedport', valueOf(entry, 'mappedport') ?? extText);
  if (valueOf(entry, 'portmapping-type') === 'm-to-n' || (mapped.hi - mapped.lo !== ext.hi - ext.lo && mapped.hi !== mapped.lo)) {
    reasons.push(`VIP "${entry.name}" maps ports ${extText} onto ${valueOf(entry, 'mappedport') ?? extText} many-to-many`);
  }
  return { proto, ext, mapped };
}

function rangeOf(entry: Entry, key: string, text: string): Range {
  const set = rangeSet(entry, key, text);
  const [iv, extra] = set.v4.intervals;
  if (!iv || extra) throw new ConfigError(entry.line, `VIP "${entry.name}": ${key} "${text}" is not one IPv4 address or range`);
  return { lo: iv[0], hi: iv[1] };
}

function rangeSet(entry: Entry, key: string, text: string): AddressSet {
  try {
    const set = AddressSet.parse(text);
    if (!set.v6.isEmpty()) throw new AddressError('IPv6');
    return set;
  } catch (e) {
    if (e instanceof AddressError) throw new ConfigError(entry.line, `VIP "${entry.name}": malformed ${key} "${text}"`);
    throw e;
  }
}

function portRange(entry: Entry, key: string, text: string): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = m ? BigInt(m[1]!) : -1n;
  const hi = m?.[2] ? BigInt(m[2]) : lo;
  if (!m || hi > PORT_MAX || lo > hi) throw new ConfigError(entry.line, `VIP "${entry.name}": malformed ${key} "${text}"`);
  return { lo, hi };
}

const portRangeSet = (r: Range): IntervalSet => Ports.range(Number(r.lo), Number(r.hi));

/** The values of `from` that `map` sends into `values`: an offset map between ranges of equal size, or many-to-one. */
function preimage(values: IntervalSet, from: Range, to: Range): Interval[] {
  if (to.lo === to.hi) return values.has(to.lo) ? [[from.lo, from.hi]] : [];
  const out: Interval[] = [];
  for (const [lo, hi] of values.intervals) {
    const a = lo > to.lo ? lo : to.lo;
    const b = hi < to.hi ? hi : to.hi;
    if (a <= b) out.push([a - to.lo + from.lo, b - to.lo + from.lo]);
  }
  return out;
}

/**
 * The untranslated flows this VIP turns into `translated` (IPv4 header spaces, as a policy names them after
 * translation). For a VIP whose mapping is not exactly known, every flow it translates whose destination could be
 * one of them: the caller marks the result uncertain (`vip.reasons`).
 */
export function vipPreimage(vip: Vip, translated: readonly HeaderSpace[]): HeaderSpace[] {
  const out: HeaderSpace[] = [];
  for (const h of translated) {
    if (h.dst.v4.isEmpty()) continue;
    const dst = vip.mapped ? AddressSet.fromIntervals('ipv4', preimage(h.dst.v4, vip.ext, vip.mapped)) : vip.extAddresses;
    if (dst.isEmpty()) continue;
    const pf = vip.portForward;
    const dport = pf ? IntervalSet.of(PORT_MAX, preimage(h.dport, pf.ext, pf.mapped)) : h.dport;
    if (dport.isEmpty()) continue;
    out.push(...intersectFlows([{ ...h, dst, dport }], vip.grab));
  }
  return out;
}

/** Each VIP's grab minus what earlier VIPs of the list already translate: FortiOS checks VIPs top to bottom. */
export function effectiveGrabs(vips: readonly Vip[]): Map<Vip, HeaderSpace[]> {
  const out = new Map<Vip, HeaderSpace[]>();
  const earlier: HeaderSpace[] = [];
  for (const v of vips) {
    out.set(v, subtractFlows(v.grab, earlier));
    earlier.push(...v.grab);
  }
  return out;
}

/** A VIP group's members: the VIPs it names, and why each other member stands for an unknown translation. */
export interface VipGroupMembers {
  readonly vips: readonly Vip[];
  readonly unresolved: readonly string[];
}

/**
 * The members of a VIP group (`config firewall vipgrp`). A member that is no VIP of the export — undefined (a partial
 * export), or the group itself or another group, which FortiOS does not allow — translates something unknown: it is
 * kept as a reason, so the policy naming the group is uncertain, never silently narrower.
 */
export function vipGroupMembers(group: Entry, vips: ReadonlyMap<string, Vip>): VipGroupMembers {
  const found: Vip[] = [];
  const unresolved: string[] = [];
  for (const m of valuesOf(group, 'member')) {
    const vip = vips.get(m);
    if (vip) found.push(vip);
    else unresolved.push(`VIP group "${group.name}" has member "${m}", which ${m === group.name ? 'is the group itself' : 'is not a VIP defined in the export'}: what it translates is unknown`);
  }
  return { vips: found, unresolved };
}
