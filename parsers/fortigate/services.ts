/**
 * FortiOS services → protocol and port spaces (addresses left as "any"; the policy fills them in).
 * `config firewall service custom`, by `set protocol`:
 *   TCP/UDP/SCTP (the default)  `set tcp-portrange 443 50000-59999 5061:1024-65535`: each item is
 *                               destination[:source], each a port or a low-high range
 *   ICMP / ICMP6                `set icmptype 8`, `set icmpcode 0` (absent: any); the type travels in the
 *                               destination port dimension and the code in the source port one (header-space.ts)
 *   IP                          `set protocol-number 47` (0 or absent: every protocol)
 *   HTTP, FTP, CONNECT, SOCKS-*, ALL: explicit-proxy services, uncertain in a firewall policy
 * `config firewall service group`: members, nested. Predefined services the export omits come from predefined.ts.
 */
import { headerSpace, Ports, Protocols, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { Report } from './addresses.js';
import { mergeReasons } from './bounds.js';
import { PREDEFINED_SERVICES } from './predefined.js';
import { mergeAlong } from './spaces.js';
import { ConfigError, parseTree, valueOf, valuesOf, type Entry } from './tree.js';
import { keywords } from '../../src/model/keywords.js';

/** What a service matches, as disjoint header spaces with any address; see bounds.ts for certain/possible. */
export interface ServiceBounds {
  readonly certain: readonly HeaderSpace[];
  readonly possible: readonly HeaderSpace[];
  readonly reasons: readonly string[];
}

export interface ServiceTables {
  readonly custom: ReadonlyMap<string, Entry>;
  readonly groups: ReadonlyMap<string, Entry>;
}

const ANY_SERVICE: readonly HeaderSpace[] = [headerSpace({})];
const PORTED = keywords<number>({ 'tcp-portrange': 6, 'udp-portrange': 17, 'sctp-portrange': 132 });
const PROXY_PROTOCOLS = new Set(['HTTP', 'FTP', 'CONNECT', 'SOCKS-TCP', 'SOCKS-UDP', 'ALL']);

let predefined: ServiceTables | undefined;

/** The factory services, read with the same grammar and reader as an export's. */
function predefinedTables(): ServiceTables {
  if (!predefined) {
    const tree = parseTree(PREDEFINED_SERVICES, () => true);
    const table = (path: string) => new Map(tree.blocks.filter((b) => b.path.join(' ') === path).flatMap((b) => b.entries).map((e) => [e.name, e]));
    predefined = { custom: table('firewall service custom'), groups: table('firewall service group') };
  }
  return predefined;
}

export class ServiceResolver {
  private readonly memo = new Map<string, ServiceBounds>();
  private readonly resolving = new Set<string>();
  private readonly noted = new Set<string>();

  constructor(
    private readonly tables: ServiceTables,
    private readonly report: Report,
  ) {}

  /** The union of several services, negated when the policy says so (`set service-negate enable`). */
  resolveAll(names: readonly string[], line: number, negate: boolean): ServiceBounds {
    if (names.length === 1 && !negate) return this.resolve(names[0]!, line);
    let certain: HeaderSpace[] = [];
    let possible: HeaderSpace[] = [];
    let reasons: readonly string[] = [];
    for (const name of names) {
      const b = this.resolve(name, line);
      certain.push(...b.certain);
      possible.push(...b.possible);
      reasons = mergeReasons(reasons, b.reasons);
    }
    certain = disjoint(certain);
    possible = disjoint(possible);
    if (!negate) return { certain, possible, reasons };
    return { certain: subtractFlows(ANY_SERVICE, possible), possible: subtractFlows(ANY_SERVICE, certain), reasons };
  }

  resolve(name: string, line: number): ServiceBounds {
    const known = this.memo.get(name);
    if (known) return known;
    let out: ServiceBounds;
    const own = this.tables.custom.get(name) ?? this.tables.groups.get(name);
    const factory = predefinedTables();
    const builtIn = own ? undefined : (factory.custom.get(name) ?? factory.groups.get(name));
    const entry = own ?? builtIn;
    if (!entry) {
      this.once(name, line, 'warning', `service "${name}" is not defined in the export and is not a FortiOS predefined service: what names it is uncertain`);
      out = { certain: [], possible: ANY_SERVICE, reasons: [`service "${name}" is not defined in the export`] };
    } else {
      if (builtIn) this.once(name, 0, 'info', `service "${name}" is not in the export; using FortiOS's predefined definition`);
      if (this.resolving.has(name)) throw new ConfigError(entry.line, `service group "${name}" contains itself`);
      this.resolving.add(name);
      const isGroup = (own ? this.tables.groups : factory.groups).get(name) === entry;
      out = isGroup ? this.resolveAll(valuesOf(entry, 'member'), entry.line, false) : custom(entry);
      this.resolving.delete(name);
    }
    this.memo.set(name, out);
    return out;
  }

  private once(name: string, line: number, level: 'warning' | 'info', message: string): void {
    if (this.noted.has(name)) return;
    this.noted.add(name);
    this.report(line, level, message);
  }
}

function custom(entry: Entry): ServiceBounds {
  const protocol = valueOf(entry, 'protocol') ?? 'TCP/UDP/SCTP';
  const uncertain = (why: string): ServiceBounds => ({ certain: [], possible: ANY_SERVICE, reasons: [`service "${entry.name}" ${why}`] });
  if (PROXY_PROTOCOLS.has(protocol) || valueOf(entry, 'proxy') === 'enable') return uncertain(`is an explicit-proxy service (protocol ${protocol})`);
  let spaces: HeaderSpace[];
  switch (protocol) {
    case 'TCP/UDP/SCTP':
      spaces = [...PORTED].flatMap(([key, proto]) => valuesOf(entry, key).map((item) => portItem(entry, key, item, proto)));
      break;
    case 'ICMP':
    case 'ICMP6':
      spaces = [icmpSpace(entry, protocol === 'ICMP' ? 1 : 58)];
      break;
    case 'IP': {
      const n = number(entry, 'protocol-number', valueOf(entry, 'protocol-number') ?? '0', 255);
      spaces = [headerSpace({ proto: n === 0 ? Protocols.any() : Protocols.only(n) })];
      break;
    }
    default:
      throw new ConfigError(entry.line, `service "${entry.name}": unknown protocol "${protocol}"`);
  }
  const iprange = valueOf(entry, 'iprange');
  if ((iprange && iprange !== '0.0.0.0') || valueOf(entry, 'fqdn')) return uncertain(`is limited to destination ${iprange ?? valueOf(entry, 'fqdn')}, which edge-audit does not apply`);
  const exact = disjoint(spaces);
  return { certain: exact, possible: exact, reasons: [] };
}

/** `443`, `50000-59999`, `5061:1024-65535`: destination ports, then optionally `:` and source ports. */
function portItem(entry: Entry, key: string, item: string, proto: number): HeaderSpace {
  const [dst, src, extra] = item.split(':');
  if (extra !== undefined || dst === undefined || dst === '') throw new ConfigError(entry.line, `service "${entry.name}": malformed ${key} "${item}"`);
  return headerSpace({ proto: Protocols.only(proto), dport: portRange(entry, key, dst), sport: src === undefined ? Ports.any() : portRange(entry, key, src) });
}

function portRange(entry: Entry, key: string, text: string): IntervalSet {
  const [lo, hi, extra] = text.split('-');
  if (extra !== undefined) throw new ConfigError(entry.line, `service "${entry.name}": malformed ${key} "${text}"`);
  const low = number(entry, key, lo!, 65535);
  const high = hi === undefined ? low : number(entry, key, hi, 65535);
  if (high < low) throw new ConfigError(entry.line, `service "${entry.name}": ${key} ${text} has its low port above its high port`);
  return Ports.range(low, high);
}

function icmpSpace(entry: Entry, proto: number): HeaderSpace {
  const type = valueOf(entry, 'icmptype');
  const code = valueOf(entry, 'icmpcode');
  return headerSpace({
    proto: Protocols.only(proto),
    dport: type === undefined ? Ports.any() : Ports.range(number(entry, 'icmptype', type, 255)),
    sport: code === undefined ? Ports.any() : Ports.range(number(entry, 'icmpcode', code, 255)),
  });
}

function number(entry: Entry, key: string, text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new ConfigError(entry.line, `service "${entry.name}": ${key} "${text}" is not a number from 0 to ${max}`);
  return Number(text);
}

/**
 * The same spaces as a disjoint union, with spaces that differ only in destination ports merged (`tcp 443` and
 * `tcp 5061` become one space): fewer, larger spaces keep every later set operation cheap.
 */
function disjoint(spaces: readonly HeaderSpace[]): HeaderSpace[] {
  const out: HeaderSpace[] = [];
  for (const h of mergeAlong(spaces, 'dport')) out.push(...subtractFlows([h], out));
  return out;
}

