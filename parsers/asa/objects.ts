/**
 * Objects and object groups: `object network|service`, `object-group network|service|protocol|icmp-type`,
 * with nested `group-object`, and what each stands for as address, port, protocol or service sets.
 *
 * Definitions are collected first and resolved on use (memoized), so a group may name an object defined
 * further down, as `more system:running-config` sometimes prints them; a loop or an undefined name is an error.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { Ports, Protocols } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import { AddressSyntaxError, addressRange, hostAddress, ipv6Prefix, isIpv6Prefix, networkAddress, type Names } from './addresses.js';
import type { Command, ConfigLine } from './config-lines.js';
import { ICMP, ICMP6, icmpTypeNumber, isIcmpTypeWord, NameError, PORT_OPERATORS, protocolOf, readPortOperator, SCTP, TCP, UDP } from './names.js';

/** A definition the ASA would not have printed; `line` is where it is (or is used). */
export class ObjectError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** One protocol with its ports (or ICMP type in `dport`, code in `sport`), as a service object states it. */
export interface Service {
  readonly proto: IntervalSet;
  readonly sport: IntervalSet;
  readonly dport: IntervalSet;
}

/** Addresses a network object or group stands for, and the members whose addresses the export does not hold. */
export interface NetworkMembers {
  readonly addresses: AddressSet;
  /** `fqdn www.example.com` members: resolved by DNS at run time. Each says what it is. */
  readonly unresolved: readonly Unresolved[];
}

export interface Unresolved {
  readonly what: string;
  /** The families the unresolved member may take addresses from. */
  readonly families: readonly Family[];
}

/** A typed service group (`object-group service NAME tcp`) used as a port list. */
export interface PortGroup {
  readonly protocols: IntervalSet;
  readonly ports: IntervalSet;
}

type GroupKind = 'network' | 'service' | 'protocol' | 'icmp-type' | 'other';

interface GroupDef {
  readonly kind: GroupKind;
  /** `tcp`, `udp`, `tcp-udp` for a typed service group (a port group). */
  readonly portProtocol?: string;
  readonly head: ConfigLine;
  readonly members: ConfigLine[];
}

interface ObjectDef {
  readonly kind: 'network' | 'service';
  readonly head: ConfigLine;
  readonly members: ConfigLine[];
}

const NO_UNRESOLVED: readonly Unresolved[] = Object.freeze([]);
const ALL_PORTS = Ports.any();
export const TCP_UDP = Protocols.only(TCP, UDP);

export class ObjectTable {
  private readonly objects = new Map<string, ObjectDef>();
  private readonly groups = new Map<string, GroupDef>();
  private readonly networkObjects = new Map<string, NetworkMembers>();
  private readonly networkGroups = new Map<string, NetworkMembers>();
  private readonly serviceObjects = new Map<string, readonly Service[]>();
  private readonly serviceGroups = new Map<string, readonly Service[]>();
  private readonly portGroups = new Map<string, PortGroup>();
  private readonly resolving = new Set<string>();

  constructor(private readonly names: Names) {}

  /** Takes an `object …` or `object-group …` command; false when the command is neither. */
  define(command: Command): boolean {
    const [verb, kind, name, type] = command.head.words;
    if (verb === 'object' && (kind === 'network' || kind === 'service') && name) {
      const existing = this.objects.get(name);
      // An object NAT prints the object a second time with only its `nat` line: one object, both blocks.
      const members = command.children.filter((c) => c.verb !== 'nat');
      if (existing) existing.members.push(...members);
      else this.objects.set(name, { kind, head: command.head, members });
      return true;
    }
    if (verb === 'object-group' && kind && name) {
      const groupKind: GroupKind = kind === 'network' || kind === 'service' || kind === 'protocol' || kind === 'icmp-type' ? kind : 'other';
      this.groups.set(name, { kind: groupKind, ...(groupKind === 'service' && type ? { portProtocol: type } : {}), head: command.head, members: [...command.children] });
      return true;
    }
    return false;
  }

  hasObject(name: string, kind: 'network' | 'service'): boolean {
    return this.objects.get(name)?.kind === kind;
  }

  groupKind(name: string): GroupKind | undefined {
    return this.groups.get(name)?.kind;
  }

  /** A typed service group, usable where a port operator stands. */
  isPortGroup(name: string): boolean {
    const g = this.groups.get(name);
    return g?.kind === 'service' && g.portProtocol !== undefined;
  }

  /** The definition line of an object or group, for messages. */
  definition(name: string): ConfigLine | undefined {
    return this.objects.get(name)?.head ?? this.groups.get(name)?.head;
  }

  networkObject(name: string, usedAt: ConfigLine): NetworkMembers {
    return this.memo(this.networkObjects, 'network object', name, usedAt, () => {
      const def = this.objects.get(name);
      if (!def || def.kind !== 'network') throw new ObjectError(usedAt.line, `network object "${name}" is not defined`);
      let addresses = AddressSet.NONE;
      const unresolved: Unresolved[] = [];
      for (const m of def.members) {
        const [key, a, b] = m.words;
        try {
          if (key === 'host') addresses = addresses.union(hostAddress(need(a, m), this.names));
          else if (key === 'subnet') addresses = addresses.union(isIpv6Prefix(need(a, m)) ? ipv6Prefix(a!) : networkAddress(a!, need(b, m), this.names));
          else if (key === 'range') addresses = addresses.union(addressRange(need(a, m), need(b, m), this.names));
          else if (key === 'fqdn') unresolved.push(fqdnMember(m));
          else if (key !== 'description') throw new ObjectError(m.line, `unknown network object member "${key}"`);
        } catch (e) {
          throw asObjectError(e, m);
        }
      }
      return { addresses, unresolved: unresolved.length ? unresolved : NO_UNRESOLVED };
    });
  }

  networkGroup(name: string, usedAt: ConfigLine): NetworkMembers {
    return this.memo(this.networkGroups, 'network group', name, usedAt, () => {
      const def = this.group(name, 'network', usedAt);
      let addresses = AddressSet.NONE;
      const unresolved: Unresolved[] = [];
      const add = (m: NetworkMembers) => {
        addresses = addresses.union(m.addresses);
        unresolved.push(...m.unresolved);
      };
      for (const m of def.members) {
        const [key, a, b] = m.words;
        try {
          if (key === 'network-object') {
            if (a === 'host') add({ addresses: hostAddress(need(b, m), this.names), unresolved: NO_UNRESOLVED });
            else if (a === 'object') add(this.networkObject(need(b, m), m));
            else if (isIpv6Prefix(need(a, m))) add({ addresses: ipv6Prefix(a!), unresolved: NO_UNRESOLVED });
            else add({ addresses: networkAddress(a!, need(b, m), this.names), unresolved: NO_UNRESOLVED });
          } else if (key === 'group-object') add(this.networkGroup(need(a, m), m));
          else if (key !== 'description') throw new ObjectError(m.line, `unknown network group member "${key}"`);
        } catch (e) {
          throw asObjectError(e, m);
        }
      }
      return { addresses, unresolved: unresolved.length ? unresolved : NO_UNRESOLVED };
    });
  }

  /** A service object: one service. */
  serviceObject(name: string, usedAt: ConfigLine): readonly Service[] {
    return this.memo(this.serviceObjects, 'service object', name, usedAt, () => {
      const def = this.objects.get(name);
      if (!def || def.kind !== 'service') throw new ObjectError(usedAt.line, `service object "${name}" is not defined`);
      const out: Service[] = [];
      for (const m of def.members) {
        if (m.verb === 'service') out.push(...catching(m, () => serviceSpec(m.words, 1, m)));
        else if (m.verb !== 'description') throw new ObjectError(m.line, `unknown service object member "${m.verb}"`);
      }
      return out;
    });
  }

  /** An untyped service group (`service-object` members) or a typed one (`port-object`): its services. */
  serviceGroup(name: string, usedAt: ConfigLine): readonly Service[] {
    return this.memo(this.serviceGroups, 'service group', name, usedAt, () => {
      const def = this.group(name, 'service', usedAt);
      if (def.portProtocol !== undefined) {
        const { protocols, ports } = this.portGroup(name, usedAt);
        return [{ proto: protocols, sport: ALL_PORTS, dport: ports }];
      }
      const out: Service[] = [];
      for (const m of def.members) {
        const words = m.words;
        const [key, a, b] = words;
        if (key === 'service-object') {
          if (a === 'object') out.push(...this.serviceObject(need(b, m), m));
          else out.push(...catching(m, () => serviceSpec(words, 1, m)));
        } else if (key === 'group-object') out.push(...this.serviceGroup(need(a, m), m));
        else if (key !== 'description') throw new ObjectError(m.line, `unknown service group member "${key}"`);
      }
      return out;
    });
  }

  /** A typed service group (`object-group service NAME tcp|udp|tcp-udp`): its protocols and `port-object` ports. */
  portGroup(name: string, usedAt: ConfigLine): PortGroup {
    return this.memo(this.portGroups, 'port group', name, usedAt, () => {
      const def = this.group(name, 'service', usedAt);
      if (def.portProtocol === undefined) throw new ObjectError(usedAt.line, `service group "${name}" has no protocol type, so it cannot stand for ports`);
      let ports = Ports.none();
      for (const m of def.members) {
        const words = m.words;
        const [key, a] = words;
        if (key === 'port-object') ports = ports.union(catching(m, () => readPortOperator(words, 1).ports));
        else if (key === 'group-object') ports = ports.union(this.portGroup(need(a, m), m).ports);
        else if (key !== 'description') throw new ObjectError(m.line, `unknown port group member "${key}"`);
      }
      return { protocols: portProtocols(def.portProtocol!, def.head), ports };
    });
  }

  protocolGroup(name: string, usedAt: ConfigLine): IntervalSet {
    const def = this.group(name, 'protocol', usedAt);
    return this.withCycleCheck('protocol group', name, usedAt, () => {
      let protocols = Protocols.only();
      for (const m of def.members) {
        const [key, a] = m.words;
        if (key === 'protocol-object') {
          const n = catching(m, () => protocolOf(need(a, m)));
          protocols = protocols.union(n === undefined ? Protocols.any() : Protocols.only(n));
        } else if (key === 'group-object') protocols = protocols.union(this.protocolGroup(need(a, m), m));
        else if (key !== 'description') throw new ObjectError(m.line, `unknown protocol group member "${key}"`);
      }
      return protocols;
    });
  }

  /** An `icmp-type` group: the ICMP types (for `protocol`, ICMP or ICMPv6). */
  icmpGroup(name: string, protocol: number, usedAt: ConfigLine): IntervalSet {
    const def = this.group(name, 'icmp-type', usedAt);
    return this.withCycleCheck('icmp-type group', name, usedAt, () => {
      let types = Ports.none();
      for (const m of def.members) {
        const [key, a] = m.words;
        if (key === 'icmp-object') types = types.union(Ports.range(catching(m, () => icmpTypeNumber(need(a, m), protocol))));
        else if (key === 'group-object') types = types.union(this.icmpGroup(need(a, m), protocol, m));
        else if (key !== 'description') throw new ObjectError(m.line, `unknown icmp-type group member "${key}"`);
      }
      return types;
    });
  }

  private group(name: string, kind: GroupKind, usedAt: ConfigLine): GroupDef {
    const def = this.groups.get(name);
    if (!def) throw new ObjectError(usedAt.line, `object-group "${name}" is not defined`);
    if (def.kind !== kind) throw new ObjectError(usedAt.line, `object-group "${name}" is a ${def.head.words[1]} group, not a ${kind} group`);
    return def;
  }

  private memo<V>(cache: Map<string, V>, kind: string, name: string, usedAt: ConfigLine, build: () => V): V {
    const known = cache.get(name);
    if (known) return known;
    const value = this.withCycleCheck(kind, name, usedAt, build);
    cache.set(name, value);
    return value;
  }

  /** Builds what `name` stands for as a `kind`; a group that contains itself, directly or not, is an error. */
  private withCycleCheck<V>(kind: string, name: string, usedAt: ConfigLine, build: () => V): V {
    const key = `${kind} ${name}`;
    if (this.resolving.has(key)) throw new ObjectError(usedAt.line, `"${name}" contains itself`);
    this.resolving.add(key);
    try {
      return build();
    } finally {
      this.resolving.delete(key);
    }
  }
}

/**
 * A service as `object service`, `service-object` and `object-group service` members write it, from `at`:
 * `tcp|udp|tcp-udp|sctp [source OP P] [destination OP P]`, the older `tcp OP P` (destination), `icmp|icmp6
 * [TYPE [CODE]]`, or any other protocol name or number.
 */
export function serviceSpec(words: readonly string[], at: number, line: ConfigLine): Service[] {
  const protoWord = need(words[at], line).toLowerCase();
  let proto: IntervalSet;
  let ported = false;
  let icmp: number | undefined;
  if (protoWord === 'tcp-udp') {
    proto = TCP_UDP;
    ported = true;
  } else {
    const n = protocolOf(protoWord);
    proto = n === undefined ? Protocols.any() : Protocols.only(n);
    ported = n === TCP || n === UDP || n === SCTP;
    if (n === ICMP || n === ICMP6) icmp = n;
  }
  let sport = ALL_PORTS;
  let dport = ALL_PORTS;
  let k = at + 1;
  if (icmp !== undefined) {
    if (k < words.length && isIcmpTypeWord(words[k]!, icmp)) {
      dport = Ports.range(icmpTypeNumber(words[k]!, icmp));
      k++;
      if (k < words.length && /^\d{1,3}$/.test(words[k]!) && Number(words[k]) <= 255) sport = Ports.range(Number(words[k++]!));
    }
  } else if (ported) {
    while (k < words.length) {
      const w = words[k]!;
      if (w === 'source' || w === 'destination') {
        const { ports, used } = readPortOperator(words, k + 1);
        if (w === 'source') sport = ports;
        else dport = ports;
        k += 1 + used;
      } else if (PORT_OPERATORS.has(w)) {
        const { ports, used } = readPortOperator(words, k);
        dport = ports;
        k += used;
      } else break;
    }
  }
  if (k < words.length) throw new ObjectError(line.line, `unexpected "${words[k]}" in service "${words.slice(at).join(' ')}"`);
  return [{ proto, sport, dport }];
}

function portProtocols(type: string, head: ConfigLine): IntervalSet {
  if (type === 'tcp') return Protocols.only(TCP);
  if (type === 'udp') return Protocols.only(UDP);
  if (type === 'tcp-udp') return TCP_UDP;
  if (type === 'sctp') return Protocols.only(SCTP);
  throw new ObjectError(head.line, `unknown service group type "${type}"`);
}

/** `fqdn [v4|v6] NAME`. */
function fqdnMember(m: ConfigLine): Unresolved {
  const [, a, b] = m.words;
  const families: Family[] = a === 'v4' ? ['ipv4'] : a === 'v6' ? ['ipv6'] : ['ipv4', 'ipv6'];
  return { what: `fqdn ${a === 'v4' || a === 'v6' ? need(b, m) : need(a, m)}`, families };
}

/** The word, or an error naming the line when a command ends early. */
export function need(word: string | undefined, line: ConfigLine): string {
  if (word === undefined) throw new ObjectError(line.line, `"${line.text.trim()}" is incomplete`);
  return word;
}

function catching<V>(line: ConfigLine, f: () => V): V {
  try {
    return f();
  } catch (e) {
    throw asObjectError(e, line);
  }
}

/** A value the ASA would refuse (an unknown port name, a malformed address), placed on its line. */
export function asObjectError(e: unknown, line: ConfigLine): unknown {
  if (e instanceof NameError || e instanceof AddressSyntaxError) return new ObjectError(line.line, e.message);
  return e;
}
