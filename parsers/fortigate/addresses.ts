/**
 * FortiOS address objects → address sets. `config firewall address` (IPv4) and `address6` (IPv6) entries by type:
 *   ipmask / ipprefix (the default)   `set subnet 10.0.0.0 255.255.255.0`, `set ip6 2001:db8::/64`; absent = all
 *   iprange                           `set start-ip …` / `set end-ip …`
 *   wildcard                          `set wildcard 10.1.0.5 255.255.0.255`: every address equal to the base on the
 *                                     mask's 1 bits, computed exactly as a union of intervals
 *   interface-subnet                  `set subnet` when printed, else the subnet of `set interface`'s address
 *   fqdn, wildcard-fqdn, geography, dynamic, mac, route-tag, template: not in the export; their addresses are only
 *                                     known at run time, so what names them is uncertain (Bounds.reasons)
 * `addrgrp` / `addrgrp6`: members, nested, minus `exclude-member` when `set exclude enable`. The built-ins `all` and
 * `none` are used as FortiOS defines them when a `show` output omits them.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import { keywords } from '../../src/model/keywords.js';
import { complement, exact, subtract, unionAll, unknown, type Bounds } from './bounds.js';
import { ConfigError, fieldsFor, type Entry } from './tree.js';

export interface AddressTables {
  readonly addresses: ReadonlyMap<string, Entry>;
  readonly groups: ReadonlyMap<string, Entry>;
}

export type Report = (line: number, level: 'warning' | 'info', message: string) => void;

/** Built-in objects FortiOS creates in every VDOM (factory `config firewall address` / `address6`). */
const BUILT_IN: Readonly<Record<Family, ReadonlyMap<string, string>>> = {
  ipv4: keywords({ all: '0.0.0.0/0', none: '0.0.0.0/32' }),
  ipv6: keywords({ all: '::/0', none: '::/128' }),
};

/** Every setting an address or address group is read by: tens of thousands of objects, their other lines (uuid, comment) never read. */
const GROUP_KEYS: readonly string[] = ['member', 'exclude', 'exclude-member'];
const ADDRESS_KEYS: readonly string[] = ['type', 'subnet', 'ip6', 'start-ip', 'end-ip', 'wildcard', 'interface', 'fqdn', 'wildcard-fqdn', 'country', 'sub-type', 'sdn'];

/** Wildcard addresses with more free bits above their low run than this are read as uncertain, not enumerated. */
const MAX_WILDCARD_FREE_BITS = 12;

export class AddressResolver {
  private readonly memo: Readonly<Record<Family, Map<string, Bounds>>> = { ipv4: new Map(), ipv6: new Map() };
  private readonly resolving = new Set<string>();
  private readonly noted = new Set<string>();

  constructor(
    private readonly tables: Readonly<Record<Family, AddressTables>>,
    /** The subnet of an interface's own address, for `interface-subnet` objects that do not print it. */
    private readonly interfaceSubnet: (name: string, family: Family) => AddressSet | undefined,
    private readonly report: Report,
  ) {}

  /** What the object named `name` matches; `line` is where it is referenced (for diagnostics about undefined names). */
  resolve(name: string, family: Family, line: number): Bounds {
    const known = this.memo[family].get(name);
    if (known) return known;
    const key = `${family} ${name}`;
    const { addresses, groups } = this.tables[family];
    const entry = addresses.get(name) ?? groups.get(name);
    let out: Bounds;
    if (!entry) {
      out = this.undefinedObject(name, family, line);
    } else {
      if (this.resolving.has(key)) throw new ConfigError(entry.line, `address group "${name}" contains itself`);
      this.resolving.add(key);
      out = groups.get(name) === entry ? this.group(entry, family) : this.address(entry, family);
      this.resolving.delete(key);
    }
    this.memo[family].set(name, out);
    return out;
  }

  /** The union of several names, negated when the policy says so (`set srcaddr-negate enable`). */
  resolveAll(names: readonly string[], family: Family, line: number, negate: boolean): Bounds {
    const all = unionAll(names.map((n) => this.resolve(n, family, line)));
    return negate ? complement(family, all) : all;
  }

  private undefinedObject(name: string, family: Family, line: number): Bounds {
    const builtIn = BUILT_IN[family].get(name);
    if (builtIn) {
      this.once(`builtin ${family} ${name}`, 0, 'info', `${family === 'ipv4' ? 'address' : 'address6'} "${name}" is not in the export; using FortiOS's built-in definition (${builtIn})`);
      return exact(AddressSet.parse(builtIn));
    }
    this.once(`undefined ${family} ${name}`, line, 'warning', `${family === 'ipv4' ? 'address' : 'address6'} "${name}" is not defined in the export (an incomplete "show" output?): what names it is uncertain`);
    return unknown(family, `${family === 'ipv4' ? 'address' : 'address6'} "${name}" is not defined in the export`);
  }

  private group(entry: Entry, family: Family): Bounds {
    const f = fieldsFor(entry, GROUP_KEYS);
    const members = f.values('member').map((m) => this.resolve(m, family, entry.line));
    let out = unionAll(members);
    if (f.value('exclude') === 'enable') {
      out = subtract(out, unionAll(f.values('exclude-member').map((m) => this.resolve(m, family, entry.line))));
    }
    return out;
  }

  private address(entry: Entry, family: Family): Bounds {
    const f = fieldsFor(entry, ADDRESS_KEYS);
    const name = entry.name;
    const type = f.value('type') ?? (family === 'ipv4' ? 'ipmask' : 'ipprefix');
    const what = `${family === 'ipv4' ? 'address' : 'address6'} "${name}"`;
    const uncertain = (why: string) => {
      this.once(`uncertain ${family} ${name}`, entry.line, 'warning', `${what} ${why}: policies that name it are uncertain`);
      return unknown(family, `${what} ${why}`);
    };
    switch (type) {
      case 'ipmask':
      case 'ipprefix': {
        const key = family === 'ipv4' ? 'subnet' : 'ip6';
        const v = f.values(key);
        return exact(v.length === 0 ? AddressSet.any(family) : parseTerm(entry, family, v.length === 2 ? `${v[0]}/${v[1]}` : v[0]!, key));
      }
      case 'iprange': {
        const start = f.value('start-ip') ?? (family === 'ipv4' ? '0.0.0.0' : '::');
        return exact(parseTerm(entry, family, `${start}-${f.value('end-ip') ?? start}`, 'start-ip/end-ip'));
      }
      case 'wildcard': {
        const v = f.values('wildcard');
        const set = v.length === 2 ? wildcardSet(family, parseOne(entry, family, v[0]!), parseOne(entry, family, v[1]!)) : undefined;
        if (v.length !== 2) throw new ConfigError(entry.line, `${what}: "set wildcard" needs an address and a mask`);
        return set ? exact(set) : uncertain(`is the wildcard ${v.join(' ')}, which matches too many separate ranges to list`);
      }
      case 'interface-subnet': {
        const v = f.values(family === 'ipv4' ? 'subnet' : 'ip6');
        if (v.length > 0) return exact(parseTerm(entry, family, v.length === 2 ? `${v[0]}/${v[1]}` : v[0]!, 'subnet'));
        const intf = f.value('interface');
        const subnet = intf === undefined ? undefined : this.interfaceSubnet(intf, family);
        return subnet ? exact(subnet) : uncertain(`is the subnet of interface "${intf ?? '?'}", whose address the export does not give`);
      }
      case 'fqdn':
        return uncertain(`is the FQDN ${f.value('fqdn') ?? '(none)'}: its addresses are whatever DNS answers the FortiGate`);
      case 'wildcard-fqdn':
        return uncertain(`is the wildcard FQDN ${f.value('wildcard-fqdn') ?? '(none)'}: its addresses are learned from DNS traffic`);
      case 'geography':
        return uncertain(`is the country ${f.value('country') ?? '(none)'}: FortiGuard's GeoIP database decides its addresses`);
      case 'dynamic':
        return uncertain(`is dynamic (${f.value('sub-type') ?? 'sdn'}${f.value('sdn') ? ` from ${f.value('sdn')}` : ''}): its addresses are filled in at run time`);
      case 'mac':
        return uncertain('matches by MAC address, which is not in the flows edge-audit evaluates');
      default:
        return uncertain(`has type ${type}, which edge-audit does not read`);
    }
  }

  private once(key: string, line: number, level: 'warning' | 'info', message: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.report(line, level, message);
  }
}

function parseTerm(entry: Entry, family: Family, text: string, key: string): AddressSet {
  let set: AddressSet | undefined = family === 'ipv4' ? fastIpv4(text) : undefined;
  if (set) return set;
  try {
    set = AddressSet.parse(text);
  } catch (e) {
    if (e instanceof AddressError) throw new ConfigError(entry.line, `address "${entry.name}": malformed ${key} "${text}"`);
    throw e;
  }
  if (!set.families().every((f) => f === family)) throw new ConfigError(entry.line, `address "${entry.name}": ${key} "${text}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  return set;
}

/** A dotted quad as a 32-bit number, read character by character (tens of thousands of objects are read). */
function quad(text: string): number | undefined {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (octet < 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      octet = octet < 0 ? c - 0x30 : octet * 10 + (c - 0x30);
      if (octet > 255) return undefined;
    } else return undefined;
  }
  return dots === 3 && octet >= 0 ? value * 256 + octet : undefined;
}

/**
 * The IPv4 forms FortiOS prints (`10.0.0.0/255.255.255.0`, `10.0.0.1-10.0.0.9`, `10.0.0.1`) read without a general
 * address parser: a 100,000-policy configuration defines tens of thousands of them. Anything else: undefined.
 */
function fastIpv4(text: string): AddressSet | undefined {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const lo = quad(text.slice(0, dash));
    const hi = quad(text.slice(dash + 1));
    return lo !== undefined && hi !== undefined && lo <= hi ? AddressSet.fromIntervals('ipv4', [[BigInt(lo), BigInt(hi)]]) : undefined;
  }
  const slash = text.indexOf('/');
  const ip = quad(slash < 0 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    const dotted = quad(m);
    if (dotted !== undefined) {
      const inverted = ~dotted >>> 0;
      if ((inverted & (inverted + 1)) !== 0) return undefined; // not contiguous
      mask = dotted;
    } else if (/^\d{1,2}$/.test(m) && Number(m) <= 32) {
      mask = Number(m) === 0 ? 0 : (0xffffffff << (32 - Number(m))) >>> 0;
    } else return undefined;
  }
  const lo = (ip & mask) >>> 0;
  return AddressSet.fromIntervals('ipv4', [[BigInt(lo), BigInt((lo | ~mask) >>> 0)]]);
}

function parseOne(entry: Entry, family: Family, text: string): bigint {
  const set = parseTerm(entry, family, text, 'wildcard');
  const [lo, hi] = family === 'ipv4' ? [set.v4.lowest(), set.v4.intervals[0]?.[1]] : [set.v6.lowest(), set.v6.intervals[0]?.[1]];
  if (lo === undefined || lo !== hi) throw new ConfigError(entry.line, `address "${entry.name}": "${text}" is not a single address`);
  return lo;
}

/**
 * `{x : x & mask == base & mask}`: the mask's 0 bits are free. The free bits below the lowest 1 bit make each
 * interval; every combination of the other free bits is one interval. Undefined when there would be too many.
 */
export function wildcardSet(family: Family, base: bigint, mask: bigint): AddressSet | undefined {
  const bits = family === 'ipv4' ? 32 : 128;
  let low = 0;
  while (low < bits && ((mask >> BigInt(low)) & 1n) === 0n) low++;
  const free: bigint[] = [];
  for (let b = low; b < bits; b++) if (((mask >> BigInt(b)) & 1n) === 0n) free.push(1n << BigInt(b));
  if (free.length > MAX_WILDCARD_FREE_BITS) return undefined;
  const span = (1n << BigInt(low)) - 1n;
  const fixed = base & mask & ~span;
  const intervals: [bigint, bigint][] = [];
  for (let combo = 0; combo < 1 << free.length; combo++) {
    let lo = fixed;
    free.forEach((bit, k) => {
      if (combo & (1 << k)) lo |= bit;
    });
    intervals.push([lo, lo | span]);
  }
  return AddressSet.fromIntervals(family, intervals);
}
