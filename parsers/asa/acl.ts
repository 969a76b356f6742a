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
import { headerSpace, Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
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
  /** Trailing words edgeaudit does not know: the entry is uncertain because of them. */
  readonly unknownOptions: readonly string[];
}

const ALL_PORTS = Ports.any();
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
  private readonly uncertain: string[] = [];

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
    const protocol = this.protocol();
    this.identity();
    const src = this.address();
    const sport = protocol.ported ? this.ports() : undefined;
    this.identity();
    const dst = this.address();
    const dport = protocol.ported ? this.ports() : undefined;
    const icmp = protocol.icmp !== undefined ? this.icmpTypes(protocol.icmp) : undefined;
    const { inactive, unknown } = this.options();
    const services = protocol.services ?? [
      { proto: protocol.protocols!, sport: icmp?.code ?? sport ?? ALL_PORTS, dport: icmp?.types ?? dport ?? ALL_PORTS },
    ];
    const flows = product(src.addresses, dst.addresses, services);
    const reasons = [...src.unresolved, ...dst.unresolved].map((u) => `${u.what}: its addresses are resolved by DNS at run time and are not in the export`);
    const ace: Ace = {
      action,
      flows,
      uncertain: this.uncertain.length ? this.uncertain : NONE,
      inactive,
      unknownOptions: unknown,
    };
    if (reasons.length === 0) return ace;
    // The unresolved side may be any address of its families; the known members stay exact.
    const widen = (m: NetworkMembers) => (m.unresolved.length ? m.addresses.union(anyOf(m.unresolved)) : m.addresses);
    return { ...ace, unresolved: { flows: product(widen(src), widen(dst), services), reasons } };
  }

  private protocol(): { protocols?: IntervalSet; services?: readonly Service[]; ported: boolean; icmp?: number } {
    const w = this.next('a protocol');
    if (w === 'object') {
      return { services: this.ctx.objects.serviceObject(this.next('a service object'), this.line), ported: false };
    }
    if (w === 'object-group') {
      const name = this.next('an object-group');
      const kind = this.ctx.objects.groupKind(name);
      if (kind === 'protocol') {
        const protocols = this.ctx.objects.protocolGroup(name, this.line);
        return { protocols, ported: protocols.isSubsetOf(PORTED) };
      }
      return { services: this.ctx.objects.serviceGroup(name, this.line), ported: false };
    }
    if (!isProtocolWord(w)) throw this.error(`unknown protocol "${w}"`);
    const n = protocolOf(w);
    if (n === undefined) return { protocols: Protocols.any(), ported: false };
    return { protocols: Protocols.only(n), ported: n === TCP || n === UDP || n === SCTP, ...(n === ICMP || n === ICMP6 ? { icmp: n } : {}) };
  }

  /** Identity firewall and TrustSec criteria: who is logged on, or which tag a packet carries, is not in the export. */
  private identity(): void {
    for (;;) {
      const w = this.words[this.k];
      if (w === 'user' || w === 'user-group' || w === 'object-group-user') {
        const who = this.words[this.k + 1];
        this.k += 2;
        if (who !== 'any') this.uncertain.push(`matches only traffic of ${w} ${who}: who is logged on is not in the export`);
      } else if (w === 'security-group') {
        const what = `${this.words[this.k + 1]} ${this.words[this.k + 2]}`;
        this.k += 3;
        this.uncertain.push(`matches only packets with security group ${what}: TrustSec tags are not in the export`);
      } else if (w === 'object-group-security') {
        this.uncertain.push(`matches only packets of security group ${this.words[this.k + 1]}: TrustSec tags are not in the export`);
        this.k += 2;
      } else return;
    }
  }

  private address(): NetworkMembers {
    const w = this.next('an address');
    const exact = (addresses: AddressSet): NetworkMembers => ({ addresses, unresolved: NO_UNRESOLVED });
    switch (w) {
      case 'any':
        return exact(this.ctx.any);
      case 'any4':
        return exact(ANY4);
      case 'any6':
        return exact(ANY6);
      case 'host':
        return exact(hostAddress(this.next('an address'), this.ctx.names));
      case 'object':
        return this.ctx.objects.networkObject(this.next('a network object'), this.line);
      case 'object-group':
        return this.ctx.objects.networkGroup(this.next('a network object-group'), this.line);
      case 'interface': {
        const nameif = this.next('an interface name');
        const own = this.ctx.interfaceAddresses(nameif);
        if (own) return exact(own);
        return { addresses: AddressSet.NONE, unresolved: [{ what: `interface ${nameif}`, families: ['ipv4', 'ipv6'] }] };
      }
    }
    if (isIpv6Prefix(w)) return exact(ipv6Prefix(w));
    const mask = this.next('a network mask');
    return exact(networkAddress(w, mask, this.ctx.names));
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

  private options(): { inactive: boolean; unknown: string[] } {
    let inactive = false;
    const unknown: string[] = [];
    while (this.k < this.words.length) {
      const w = this.words[this.k++]!;
      if (w === 'log') {
        // `log [level] [interval secs]`, `log disable`, `log default`
        if (/^[0-7]$/.test(this.words[this.k] ?? '') || LOG_LEVELS.has(this.words[this.k] ?? '')) this.k++;
        if (this.words[this.k] === 'interval') this.k += 2;
      } else if (w === 'time-range') {
        this.uncertain.push(`applies only during time-range ${this.next('a time-range name')}`);
      } else if (w === 'inactive') {
        inactive = true;
      } else {
        unknown.push(w);
      }
    }
    if (unknown.length) this.uncertain.push(`"${unknown.join(' ')}" is not understood`);
    return { inactive, unknown };
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
  for (const family of ['ipv4', 'ipv6'] as const) {
    const s = family === 'ipv4' ? (src.v6.isEmpty() ? src : src.only('ipv4')) : src.only('ipv6');
    const d = family === 'ipv4' ? (dst.v6.isEmpty() ? dst : dst.only('ipv4')) : dst.only('ipv6');
    if (s.isEmpty() || d.isEmpty()) continue;
    for (const svc of merged) out.push(headerSpace({ src: s, dst: d, proto: svc.proto, sport: svc.sport, dport: svc.dport }));
  }
  return out;
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
