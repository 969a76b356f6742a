/**
 * One extended access control entry, from its action on:
 *
 *   {permit|deny} PROTOCOL [user …] [security-group …] SOURCE [PORTS] [security-group …] DESTINATION
 *       [PORTS | ICMP-TYPE] [log [LEVEL] [interval N] | log disable | log default] [time-range NAME] [inactive]
 *
 * PROTOCOL is a name or number, `ip`, `object SERVICE-OBJECT`, or `object-group` of protocols or services;
 * SOURCE and DESTINATION are `any|any4|any6`, `host A`, `A MASK`, an IPv6 prefix, `object`, `object-group`,
 * or `interface NAMEIF`; PORTS are `eq|neq|lt|gt|range` or a typed service `object-group`.
 * (Cisco ASA Series Command Reference, `access-list extended`.)
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import { ANY, ANY4, ANY6, hostAddress, ipv6Prefix, isIpv6Prefix, networkAddress, type Names } from './addresses.js';
import type { ConfigLine } from './config-lines.js';
import { ICMP, ICMP6, icmpTypeNumber, isIcmpTypeWord, isProtocolWord, PORT_OPERATORS, protocolOf, readPortOperator, SCTP, TCP, UDP } from './names.js';
import { asObjectError, ObjectError, type NetworkMembers, type ObjectTable, type Service, type Unresolved } from './objects.js';

export interface AceContext {
  readonly objects: ObjectTable;
  readonly names: Names;
  /** What `any` means: IPv4 and IPv6 from 9.0 on, IPv4 only before (and IPv6 in an `ipv6 access-list`). */
  readonly any: AddressSet;
  /** An interface's own addresses, for `interface NAMEIF`; undefined when the export does not give them. */
  interfaceAddresses(nameif: string): AddressSet | undefined;
}

export interface Ace {
  readonly action: 'permit' | 'deny';
  /** The flows the entry matches for certain. */
  readonly flows: HeaderSpace[];
  /** Flows it may match through members whose addresses the export lacks (FQDN objects), and why. */
  readonly unresolved?: { readonly flows: HeaderSpace[]; readonly reasons: readonly string[] };
  /** Why the whole entry only sometimes matches (time range, user identity). */
  readonly uncertain: readonly string[];
  readonly inactive: boolean;
}

const ALL_PORTS = Ports.any();
const ALL_PROTOCOLS = Protocols.any();
const PORTED = Protocols.only(TCP, UDP, SCTP);
const LOG_LEVELS = new Set(['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging', 'disable', 'default']);
const NONE: readonly string[] = Object.freeze([]);
const NO_UNRESOLVED: readonly Unresolved[] = Object.freeze([]);

/** Parses `words` from `at` (the action); throws ObjectError for what the ASA would not have printed. */
export function parseAce(words: readonly string[], at: number, ctx: AceContext, line: ConfigLine): Ace {
  try {
    return new AceReader(words, at, ctx, line).read();
  } catch (e) {
    throw asObjectError(e, line);
  }
}

class AceReader {
  private k: number;
  /** Allocated only for the few entries that need it: a large configuration has 100,000 entries. */
  private uncertain: string[] | undefined;
  private inactive = false;
  /** The protocol position: protocols (with `ported` when port operators may follow, `icmp` for types), or services. */
  private protocols: IntervalSet | undefined;
  private services: readonly Service[] | undefined;
  private ported = false;
  private icmp: number | undefined;
  /** What the last address argument's members leave unresolved. */
  private pending: readonly Unresolved[] = NO_UNRESOLVED;

  constructor(
    private readonly words: readonly string[],
    at: number,
    private readonly ctx: AceContext,
    private readonly line: ConfigLine,
  ) {
    this.k = at;
  }

  read(): Ace {
    const action = this.next('permit or deny');
    if (action !== 'permit' && action !== 'deny') throw this.error(`expected permit or deny, found "${action}"`);
    this.protocol();
    this.identity();
    const src = this.address();
    const srcUnresolved = this.pending;
    const sport = this.ported ? this.ports() : undefined;
    this.identity();
    const dst = this.address();
    const dstUnresolved = this.pending;
    const dport = this.ported ? this.ports() : undefined;
    const icmp = this.icmp !== undefined ? this.icmpTypes(this.icmp) : undefined;
    this.options();
    const services = this.services ?? [{ proto: this.protocols!, sport: icmp?.code ?? sport ?? ALL_PORTS, dport: icmp?.types ?? dport ?? ALL_PORTS }];
    const ace: Ace = {
      action,
      flows: product(src, dst, services),
      uncertain: this.uncertain ?? NONE,
      inactive: this.inactive,
    };
    if (srcUnresolved.length === 0 && dstUnresolved.length === 0) return ace;
    const reasons = [...srcUnresolved, ...dstUnresolved].map((u) => `${u.what}: its addresses are resolved by DNS at run time and are not in the export`);
    // The unresolved side may be any address of its families; the known members stay exact.
    const widen = (a: AddressSet, unresolved: readonly Unresolved[]) => (unresolved.length ? a.union(anyOf(unresolved)) : a);
    return { ...ace, unresolved: { flows: product(widen(src, srcUnresolved), widen(dst, dstUnresolved), services), reasons } };
  }

  private doubt(reason: string): void {
    (this.uncertain ??= []).push(reason);
  }

  /** The protocol position: a name or number, `ip`, a service object, or a protocol or service object-group. */
  private protocol(): void {
    const w = this.next('a protocol');
    if (w === 'object') {
      this.services = this.ctx.objects.serviceObject(this.next('a service object'), this.line);
    } else if (w === 'object-group') {
      const name = this.next('an object-group');
      if (this.ctx.objects.groupKind(name) === 'protocol') {
        this.protocols = this.ctx.objects.protocolGroup(name, this.line);
        this.ported = this.protocols.isSubsetOf(PORTED);
      } else {
        this.services = this.ctx.objects.serviceGroup(name, this.line);
      }
    } else {
      if (!isProtocolWord(w)) throw this.error(`unknown protocol "${w}"`);
      const n = protocolOf(w);
      this.protocols = n === undefined ? ALL_PROTOCOLS : protocolSet(n);
      this.ported = n === TCP || n === UDP || n === SCTP;
      if (n === ICMP || n === ICMP6) this.icmp = n;
    }
  }

  /** Identity firewall and TrustSec criteria: who is logged on, or which tag a packet carries, is not in the export. */
  private identity(): void {
    for (;;) {
      const w = this.words[this.k];
      if (w === 'user' || w === 'user-group' || w === 'object-group-user') {
        const who = this.words[this.k + 1];
        this.k += 2;
        if (who !== 'any') this.doubt(`matches only traffic of ${w} ${who}: who is logged on is not in the export`);
      } else if (w === 'security-group') {
        const what = `${this.words[this.k + 1]} ${this.words[this.k + 2]}`;
        this.k += 3;
        this.doubt(`matches only packets with security group ${what}: TrustSec tags are not in the export`);
      } else if (w === 'object-group-security') {
        this.doubt(`matches only packets of security group ${this.words[this.k + 1]}: TrustSec tags are not in the export`);
        this.k += 2;
      } else return;
    }
  }

  /** An address argument; what its members leave unresolved goes to `pending`. */
  private address(): AddressSet {
    const w = this.next('an address');
    this.pending = NO_UNRESOLVED;
    switch (w) {
      case 'any':
        return this.ctx.any;
      case 'any4':
        return ANY4;
      case 'any6':
        return ANY6;
      case 'host':
        return hostAddress(this.next('an address'), this.ctx.names);
      case 'object':
        return this.members(this.ctx.objects.networkObject(this.next('a network object'), this.line));
      case 'object-group':
        return this.members(this.ctx.objects.networkGroup(this.next('a network object-group'), this.line));
      case 'interface': {
        const nameif = this.next('an interface name');
        const own = this.ctx.interfaceAddresses(nameif);
        if (own) return own;
        this.pending = [{ what: `interface ${nameif}`, families: ['ipv4', 'ipv6'] }];
        return AddressSet.NONE;
      }
    }
    if (isIpv6Prefix(w)) return ipv6Prefix(w);
    return networkAddress(w, this.next('a network mask'), this.ctx.names);
  }

  private members(m: NetworkMembers): AddressSet {
    this.pending = m.unresolved;
    return m.addresses;
  }

  /** Optional port criteria after an address (TCP, UDP, SCTP). */
  private ports(): IntervalSet | undefined {
    const w = this.words[this.k];
    if (w !== undefined && PORT_OPERATORS.has(w)) {
      const { ports, used } = readPortOperator(this.words, this.k);
      this.k += used;
      return ports;
    }
    if (w === 'object-group' && this.ctx.objects.isPortGroup(this.words[this.k + 1] ?? '')) {
      const ports = this.ctx.objects.portGroup(this.words[this.k + 1]!, this.line).ports;
      this.k += 2;
      return ports;
    }
    return undefined;
  }

  /** `echo`, `3 1` (type and code) or an `icmp-type` object-group after the destination; absent = every type. */
  private icmpTypes(protocol: number): { types: IntervalSet; code?: IntervalSet } | undefined {
    const w = this.words[this.k];
    if (w === 'object-group' && this.ctx.objects.groupKind(this.words[this.k + 1] ?? '') === 'icmp-type') {
      this.k += 2;
      return { types: this.ctx.objects.icmpGroup(this.words[this.k - 1]!, protocol, this.line) };
    }
    if (w === undefined || !isIcmpTypeWord(w, protocol)) return undefined;
    this.k++;
    const types = Ports.range(icmpTypeNumber(w, protocol));
    // The code travels in the source-port dimension, as the model carries ICMP.
    const code = this.words[this.k];
    if (code === undefined || !/^\d{1,3}$/.test(code) || Number(code) > 255) return { types };
    this.k++;
    return { types, code: Ports.range(Number(code)) };
  }

  /** `log …`, `time-range NAME`, `inactive`, and anything else, which is named and makes the entry uncertain. */
  private options(): void {
    let unknown: string[] | undefined;
    while (this.k < this.words.length) {
      const w = this.words[this.k++]!;
      if (w === 'log') {
        // `log [level] [interval secs]`, `log disable`, `log default`
        if (/^[0-7]$/.test(this.words[this.k] ?? '') || LOG_LEVELS.has(this.words[this.k] ?? '')) this.k++;
        if (this.words[this.k] === 'interval') this.k += 2;
      } else if (w === 'time-range') {
        this.doubt(`applies only during time-range ${this.next('a time-range name')}`);
      } else if (w === 'inactive') {
        this.inactive = true;
      } else {
        (unknown ??= []).push(w);
      }
    }
    if (unknown) this.doubt(`"${unknown.join(' ')}" is not understood`);
  }

  private next(what: string): string {
    const w = this.words[this.k++];
    if (w === undefined) throw this.error(`incomplete access-list entry: ${what} is missing`);
    return w;
  }

  private error(message: string): ObjectError {
    return new ObjectError(this.line.line, message);
  }
}

function anyOf(unresolved: readonly Unresolved[]): AddressSet {
  const families = new Set<Family>(unresolved.flatMap((u) => u.families));
  return families.size === 2 ? ANY : families.has('ipv4') ? ANY4 : ANY6;
}

/**
 * Source × destination × services, one header space per address family in which both ends have addresses
 * (a rule never matches an IPv4 source with an IPv6 destination), services of one protocol and source port merged.
 */
export function product(src: AddressSet, dst: AddressSet, services: readonly Service[]): HeaderSpace[] {
  const merged = mergeServices(services);
  const out: HeaderSpace[] = [];
  if (!src.v4.isEmpty() && !dst.v4.isEmpty()) {
    const s = src.v6.isEmpty() ? src : src.only('ipv4');
    const d = dst.v6.isEmpty() ? dst : dst.only('ipv4');
    for (const svc of merged) out.push({ src: s, dst: d, proto: svc.proto, sport: svc.sport, dport: svc.dport });
  }
  if (!src.v6.isEmpty() && !dst.v6.isEmpty()) {
    const s = src.v4.isEmpty() ? src : src.only('ipv6');
    const d = dst.v4.isEmpty() ? dst : dst.only('ipv6');
    for (const svc of merged) out.push({ src: s, dst: d, proto: svc.proto, sport: svc.sport, dport: svc.dport });
  }
  return out;
}

/** One shared set per protocol number: every entry names one. */
const protocolSets = new Map<number, IntervalSet>();
function protocolSet(n: number): IntervalSet {
  let set = protocolSets.get(n);
  if (!set) protocolSets.set(n, (set = Protocols.only(n)));
  return set;
}

/** Services that differ only in destination ports become one (a port group of 20 ports is one header space). */
function mergeServices(services: readonly Service[]): readonly Service[] {
  if (services.length <= 1) return services;
  const out: Service[] = [];
  for (const s of services) {
    const same = out.findIndex((o) => o.proto.equals(s.proto) && o.sport.equals(s.sport));
    if (same < 0) out.push(s);
    else out[same] = { ...out[same]!, dport: out[same]!.dport.union(s.dport) };
  }
  return out;
}
