/**
 * What an iptables rule's matches mean as flows: IptablesRule (minus its target) → RuleMatch, plus the
 * reasons the rule's match cannot be stated exactly. Sets are exact: a negation is a complement within
 * the table's family, a comma list a union, `-m multiport --ports` a union of two header spaces.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import { isEmptySpace, Ports, protocolNumber, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { ConnectionState, InterfaceMatch, RuleMatch } from '../../src/model/rule-graph.js';
import { NumberCache, TextCache } from '../caches.js';
import { parseAddressText } from '../address-text.js';
import type { IptablesRule, MatchModule, ModuleOption } from './rule-options.js';
import { displayWord } from './tokenize.js';
import { keywords } from '../../src/model/keywords.js';

/** A rule iptables-restore itself would refuse; the caller adds the file and line. */
export class MatchError extends Error {}

/** Shared, immutable objects for one address family: built once, used by every rule. */
export interface FamilyContext {
  readonly family: Family;
  readonly anyAddress: AddressSet;
}

const contexts: Record<Family, FamilyContext> = {
  ipv4: { family: 'ipv4', anyAddress: AddressSet.any('ipv4') },
  ipv6: { family: 'ipv6', anyAddress: AddressSet.any('ipv6') },
};

export function familyContext(family: Family): FamilyContext {
  return contexts[family];
}

export interface ConvertedMatch {
  readonly match: RuleMatch;
  /** Why the match is not exact; empty when it is. */
  readonly uncertain: readonly string[];
  readonly comment: string | undefined;
  /** Set when the rule never applies in this family (`-4` in an ip6tables block). */
  readonly otherFamilyOnly: 4 | 6 | undefined;
}

/** Shared by every rule whose match is exact. */
const NONE: readonly string[] = Object.freeze([]);
const ALL_PORTS = Ports.any();
const ALL_PROTOCOLS = Protocols.any();

/** Protocol names iptables may print (libxtables' own list, then Debian's /etc/protocols). */
const PROTOCOLS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    all: 0, ip: 0, hopopt: 0, icmp: 1, igmp: 2, ggp: 3, ipencap: 4, st: 5, tcp: 6, egp: 8, igp: 9, pup: 12,
    udp: 17, hmp: 20, 'xns-idp': 22, rdp: 27, 'iso-tp4': 29, dccp: 33, xtp: 36, ddp: 37, 'idpr-cmtp': 38,
    ipv6: 41, 'ipv6-route': 43, 'ipv6-frag': 44, idrp: 45, rsvp: 46, gre: 47, esp: 50, ah: 51, skip: 57,
    'ipv6-icmp': 58, icmpv6: 58, icmp6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, rspf: 73, vmtp: 81, eigrp: 88,
    ospf: 89, 'ax.25': 93, ipip: 94, etherip: 97, encap: 98, pim: 103, ipcomp: 108, vrrp: 112, l2tp: 115,
    isis: 124, sctp: 132, fc: 133, 'mobility-header': 135, mh: 135, udplite: 136, 'mpls-in-ip': 137, manet: 138,
    hip: 139, shim6: 140, wesp: 141, rohc: 142, ethernet: 143,
  }),
);

const protocolSets = new Map<number, IntervalSet>();
function protocolSet(n: number): IntervalSet {
  let set = protocolSets.get(n);
  if (!set) {
    set = Protocols.only(n);
    protocolSets.set(n, set);
  }
  return set;
}

const TCP = 6;
const UDP = 17;
const SCTP = 132;
const ICMP = 1;
const ICMPV6 = 58;

// ---- connection states, as a 5-bit mask ----
const STATE_ORDER: readonly ConnectionState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
const STATE_BITS: ReadonlyMap<string, number> = new Map([
  ['NEW', 1],
  ['ESTABLISHED', 2],
  ['RELATED', 4],
  ['INVALID', 8],
  ['UNTRACKED', 16],
]);
const ALL_STATES = 31;
const stateLists: (readonly ConnectionState[])[] = [];
for (let mask = 0; mask <= ALL_STATES; mask++) stateLists.push(STATE_ORDER.filter((_, k) => mask & (1 << k)));

// ---- TCP flags ----
const TCP_FLAGS: ReadonlyMap<string, number> = new Map([
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ECE', 0x40],
  ['CWR', 0x80],
  ['ALL', 0xff],
  ['NONE', 0],
]);
/** The first packet of a new TCP connection: a plain SYN, or an ECN-setup SYN (SYN+ECE+CWR). */
const OPENING_SYNS = [0x02, 0x02 | 0x40 | 0x80];

/** Hints for modules whose input is outside the export, appended to the uncertainty reason. */
const MODULE_HINTS = keywords<string>({
  set: 'the ipset members are not in iptables-save output',
  addrtype: "the device's own addresses are not in iptables-save output",
  limit: 'it depends on the traffic rate',
  hashlimit: 'it depends on the traffic rate',
  connlimit: 'it depends on the number of connections',
  recent: 'it depends on earlier traffic',
  time: 'it depends on the time of day',
  mark: 'it depends on marks set elsewhere',
  connmark: 'it depends on marks set elsewhere',
});

/** Converts the match part of a rule; throws MatchError for values iptables would refuse. */
export function convertMatch(rule: IptablesRule, ctx: FamilyContext): ConvertedMatch {
  const { family, anyAddress } = ctx;
  const uncertain: string[] = [];
  let comment: string | undefined;

  let src = anyAddress;
  let dst = anyAddress;
  let proto = ALL_PROTOCOLS;
  let sport = ALL_PORTS;
  let dport = ALL_PORTS;
  /** `-m multiport --ports P` (not negated): source port in P or destination port in P. */
  let eitherPorts: IntervalSet[] | undefined;
  let states = ALL_STATES;

  let otherFamilyOnly: 4 | 6 | undefined;
  if (rule.ipVersion !== undefined && rule.ipVersion !== (family === 'ipv4' ? 4 : 6)) otherFamilyOnly = rule.ipVersion;
  // A rule iptables-restore skips may name the other family's addresses; they then only need to be valid.
  const checkFamily = otherFamilyOnly === undefined;

  if (rule.source) src = addressMatch(rule.source.value, rule.source.negated, ctx, checkFamily, '-s');
  if (rule.destination) dst = addressMatch(rule.destination.value, rule.destination.negated, ctx, checkFamily, '-d');
  if (rule.protocol) {
    const name = rule.protocol.value.toLowerCase();
    const n = PROTOCOLS.get(name) ?? protocolNumber(name);
    if (n === undefined) {
      uncertain.push(`protocol "${rule.protocol.value}" is not known`);
    } else if (n !== 0) {
      proto = protocolSet(n);
      if (rule.protocol.negated) proto = proto.complement();
    } else if (rule.protocol.negated) {
      proto = proto.complement();
    }
  }
  if (rule.fragment && !rule.fragment.negated) {
    // `! -f` (unfragmented packets and first fragments) holds for every packet that opens a connection.
    uncertain.push('fragment match "-f" (non-first fragments only) is not modelled');
  }

  for (const module of rule.matches) {
    /** Options of a known module that are not modelled. */
    let unknown: ModuleOption[] | undefined;
    switch (module.name) {
      case 'tcp':
      case 'udp':
      case 'sctp': {
        proto = narrow(proto, protocolSet(module.name === 'tcp' ? TCP : module.name === 'udp' ? UDP : SCTP));
        for (const o of module.options) {
          switch (o.name) {
            case '--sport':
            case '--source-port':
              sport = narrow(sport, portMatch(o));
              break;
            case '--dport':
            case '--destination-port':
              dport = narrow(dport, portMatch(o));
              break;
            case '--syn':
            case '--tcp-flags': {
              if (module.name !== 'tcp') {
                (unknown ??= []).push(o);
                break;
              }
              const [mask, comp] = o.name === '--syn' ? [0x17, 0x02] : [tcpFlags(o.args[0]!), tcpFlags(o.args[1]!)];
              const hits = OPENING_SYNS.filter((f) => ((f & mask) === comp) !== o.negated).length;
              if (hits === 0) states = 0; // e.g. `! --syn`, `--tcp-flags ALL NONE`: never a connection's first packet
              else if (hits < OPENING_SYNS.length) uncertain.push(`TCP flags ${optionText(o)} match only some connection-opening SYNs`);
              break;
            }
            default:
              (unknown ??= []).push(o);
          }
        }
        break;
      }
      case 'multiport':
        for (const o of module.options) {
          switch (o.name) {
            case '--sports':
            case '--source-ports':
              sport = narrow(sport, portListMatch(o));
              break;
            case '--dports':
            case '--destination-ports':
              dport = narrow(dport, portListMatch(o));
              break;
            case '--ports': {
              const list = portListMatch(o);
              if (o.negated) {
                // Neither port in the list: one product.
                sport = narrow(sport, list);
                dport = narrow(dport, list);
              } else {
                (eitherPorts ??= []).push(list);
              }
              break;
            }
            default:
              (unknown ??= []).push(o);
          }
        }
        break;
      case 'iprange':
        for (const o of module.options) {
          if (o.name === '--src-range') src = narrowAddress(src, addressMatch(o.args[0]!, o.negated, ctx, checkFamily, o.name), anyAddress);
          else if (o.name === '--dst-range') dst = narrowAddress(dst, addressMatch(o.args[0]!, o.negated, ctx, checkFamily, o.name), anyAddress);
          else (unknown ??= []).push(o);
        }
        break;
      case 'conntrack':
      case 'state':
        for (const o of module.options) {
          if ((module.name === 'conntrack' && o.name === '--ctstate') || (module.name === 'state' && o.name === '--state')) {
            const s = stateMatch(o, module.name === 'conntrack');
            if (s === undefined) uncertain.push(`connection state ${optionText(o)} includes NAT status, which is not modelled`);
            else states &= s;
          } else {
            (unknown ??= []).push(o);
          }
        }
        break;
      case 'comment':
        for (const o of module.options) {
          if (o.name === '--comment') comment = comment === undefined ? o.args[0]! : `${comment}; ${o.args[0]!}`;
          else (unknown ??= []).push(o);
        }
        break;
      case 'icmp':
      case 'icmp6': {
        proto = narrow(proto, protocolSet(module.name === 'icmp' ? ICMP : ICMPV6));
        const typeOption = module.name === 'icmp' ? '--icmp-type' : '--icmpv6-type';
        for (const o of module.options) {
          if (o.name !== typeOption) {
            (unknown ??= []).push(o);
            continue;
          }
          // The model carries an ICMP type in the destination-port dimension and its code in the source-port one.
          const icmp = icmpTypeMatch(o.args[0]!, o.negated);
          if (icmp) {
            dport = narrow(dport, icmp.types);
            sport = narrow(sport, icmp.codes);
          } else {
            uncertain.push(`ICMP type ${o.negated ? 'other than ' : ''}${o.args[0]!} is not modelled (${moduleText(module, [o])})`);
          }
        }
        break;
      }
      default:
        uncertain.push(notModelledReason(module, module.options));
    }
    if (unknown) uncertain.push(notModelledReason(module, unknown));
  }
  for (const o of rule.strayOptions) uncertain.push(`option ${optionText(o)} belongs to no match module and is not understood`);

  let flows: HeaderSpace[];
  const base: HeaderSpace = { src, dst, proto, sport, dport };
  if (isEmptySpace(base)) {
    flows = [];
  } else if (!eitherPorts) {
    flows = [base];
  } else {
    flows = [base];
    for (const list of eitherPorts) {
      const next: HeaderSpace[] = [];
      for (const h of flows) {
        // Disjoint: source port in the list, or else destination port in it.
        const bySource: HeaderSpace = { ...h, sport: h.sport.intersect(list) };
        const byDestination: HeaderSpace = { ...h, sport: h.sport.subtract(list), dport: h.dport.intersect(list) };
        if (!isEmptySpace(bySource)) next.push(bySource);
        if (!isEmptySpace(byDestination)) next.push(byDestination);
      }
      flows = next;
    }
  }

  // One object shape for every rule (absent parts are undefined), which keeps the engine's reads monomorphic.
  const match: RuleMatch = {
    flows,
    inInterface: rule.inInterface ? interfaceMatch(rule.inInterface.value, rule.inInterface.negated) : undefined,
    outInterface: rule.outInterface ? interfaceMatch(rule.outInterface.value, rule.outInterface.negated) : undefined,
    states: states === ALL_STATES ? undefined : stateLists[states]!,
  };
  return { match, uncertain: uncertain.length === 0 ? NONE : uncertain, comment, otherFamilyOnly };
}

/** a ∩ b without building a new set when one side already is the answer (the common case). */
function narrow(a: IntervalSet, b: IntervalSet): IntervalSet {
  if (a === b || b.isFull()) return a;
  if (a.isFull()) return b;
  return a.intersect(b);
}

function narrowAddress(a: AddressSet, b: AddressSet, any: AddressSet): AddressSet {
  if (a === b || b === any) return a;
  if (a === any) return b;
  return a.intersect(b);
}

const interfaceMatches = new Map<string, InterfaceMatch>();

/**
 * Shared per name and sense: a rule set names a handful of interfaces many times. A wildcard (`eth+`) matches no
 * name yet: expandWildcards fills in the interfaces of the export once they are all known.
 */
function interfaceMatch(name: string, negated: boolean): InterfaceMatch {
  const key = negated ? `!${name}` : name;
  let m = interfaceMatches.get(key);
  if (!m) {
    m = name.endsWith('+') ? { names: [], negated, otherWithPrefix: [name.slice(0, -1)] } : { names: [name], negated };
    if (interfaceMatches.size < 10_000) interfaceMatches.set(key, m);
  }
  return m;
}

/** A rule (or NAT rule) with its wildcards matched against the interfaces the export names; the same object when it has none. */
export function expandWildcards<T extends { readonly match: RuleMatch }>(rule: T, known: readonly string[]): T {
  const { inInterface, outInterface } = rule.match;
  if (!inInterface?.otherWithPrefix && !outInterface?.otherWithPrefix) return rule;
  return { ...rule, match: { ...rule.match, inInterface: expandedTest(inInterface, known), outInterface: expandedTest(outInterface, known) } };
}

function expandedTest(m: InterfaceMatch | undefined, known: readonly string[]): InterfaceMatch | undefined {
  const prefixes = m?.otherWithPrefix;
  if (!prefixes) return m;
  return { ...m, names: known.filter((n) => prefixes.some((p) => n.startsWith(p))) };
}

// ---- addresses ----

/** One address term; a malformed one is a MatchError naming it. */
export function parseAddress(text: string): AddressSet {
  try {
    return parseAddressText(text);
  } catch (e) {
    if (e instanceof AddressError) throw new MatchError(`malformed address "${text}": ${e.message}`);
    throw e;
  }
}

function addressMatch(text: string, negated: boolean, ctx: FamilyContext, checkFamily: boolean, option: string): AddressSet {
  let set: AddressSet | undefined;
  if (!text.includes(',')) {
    set = familyAddress(text, ctx, checkFamily, option);
  } else {
    for (const term of text.split(',')) {
      const one = familyAddress(term, ctx, checkFamily, option);
      // iptables turns `-s a,b` into one rule per address: the union; `! -s a,b` into `! -s a` and `! -s b`,
      // whose union is the complement of the intersection.
      set = set === undefined ? one : negated ? set.intersect(one) : set.union(one);
    }
  }
  return negated ? ctx.anyAddress.subtract(set!) : set!;
}

/** One address term, which must be of the table's family unless the rule is skipped anyway. */
function familyAddress(term: string, ctx: FamilyContext, checkFamily: boolean, option: string): AddressSet {
  const set = parseAddress(term);
  if (checkFamily && !(ctx.family === 'ipv4' ? set.v6 : set.v4).isEmpty()) {
    throw new MatchError(`${option} ${term} is not an ${ctx.family === 'ipv4' ? 'IPv4' : 'IPv6'} address, but the table is ${ctx.family}`);
  }
  return set;
}

// ---- ports ----

/** Single ports by number, ranges by `lo * 65536 + hi`: number keys need no string hashing. */
const singlePorts = new Array<IntervalSet | undefined>(65536).fill(undefined);
const portRanges = new NumberCache<IntervalSet>(12);

/** `N`, `N:M`, `:M`, `N:` (iptables' port range syntax); throws MatchError on anything else. */
export function parsePortRange(text: string): IntervalSet {
  const colon = text.indexOf(':');
  if (colon < 0) return singlePort(portNumber(text, 0, text.length));
  const lo = colon === 0 ? 0 : portNumber(text, 0, colon);
  const hi = colon === text.length - 1 ? 65535 : portNumber(text, colon + 1, text.length);
  if (lo > hi) throw new MatchError(`malformed port range "${text}" (min > max)`);
  if (lo === hi) return singlePort(lo);
  const key = lo * 65536 + hi;
  return portRanges.get(key) ?? portRanges.set(key, Ports.range(lo, hi));
}

function singlePort(port: number): IntervalSet {
  return singlePorts[port] ?? (singlePorts[port] = Ports.range(port));
}

/** The port number written in `whole` from `from` to `to`, read in place. */
function portNumber(whole: string, from: number, to: number): number {
  if (to === from || to - from > 5) throw new MatchError(`malformed port "${whole}"`);
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = whole.charCodeAt(k);
    if (c < 0x30 || c > 0x39) throw new MatchError(`malformed port "${whole}"`);
    n = n * 10 + (c - 0x30);
  }
  if (n > 65535) throw new MatchError(`port ${whole.slice(from, to)} is out of range in "${whole}"`);
  return n;
}

function portMatch(o: ModuleOption): IntervalSet {
  const set = parsePortRange(o.args[0]!);
  return o.negated ? set.complement() : set;
}

const portLists = new TextCache<IntervalSet>(512);

/** multiport's `22,80:90`: a union; negated, its complement. */
function portListMatch(o: ModuleOption): IntervalSet {
  const text = o.args[0]!;
  const set = text.includes(',') ? (portLists.get(text) ?? portLists.set(text, portList(text))) : parsePortRange(text);
  return o.negated ? set.complement() : set;
}

/** The union of the list's (cached) ranges: cheaper than sorting bigint intervals for IntervalSet.of. */
function portList(text: string): IntervalSet {
  let set: IntervalSet | undefined;
  for (const part of text.split(',')) {
    const range = parsePortRange(part);
    set = set ? set.union(range) : range;
  }
  return set!;
}

// ---- states and flags ----

/** Masks by option text (`RELATED,ESTABLISHED`): a rule set spells its states a few ways, many times. */
const stateMasks = new TextCache<number>(256);
const ctstateMasks = new TextCache<number>(256);
/** The cached mask of a `--ctstate` that names SNAT/DNAT. */
const NAT_STATUS = -1;

/** The mask of states an option matches; undefined when it names SNAT/DNAT (conntrack's NAT status). */
function stateMatch(o: ModuleOption, conntrack: boolean): number | undefined {
  const text = o.args[0]!;
  const cache = conntrack ? ctstateMasks : stateMasks;
  const mask = cache.get(text) ?? cache.set(text, stateMask(o, conntrack));
  if (mask === NAT_STATUS) return undefined;
  return o.negated ? ALL_STATES & ~mask : mask;
}

/** The states an option names, before its negation; NAT_STATUS when it names SNAT/DNAT. */
function stateMask(o: ModuleOption, conntrack: boolean): number {
  let mask = 0;
  let nat = false;
  for (const name of o.args[0]!.split(',')) {
    const bit = STATE_BITS.get(name.toUpperCase());
    if (bit !== undefined) mask |= bit;
    else if (conntrack && (name.toUpperCase() === 'SNAT' || name.toUpperCase() === 'DNAT')) nat = true;
    else throw new MatchError(`unknown connection state "${name}" in ${optionText(o)}`);
  }
  return nat ? NAT_STATUS : mask;
}

function tcpFlags(text: string): number {
  let mask = 0;
  for (const name of text.split(',')) {
    const bit = TCP_FLAGS.get(name.toUpperCase());
    if (bit === undefined) throw new MatchError(`unknown TCP flag "${name}" in --tcp-flags`);
    mask |= bit;
  }
  return mask;
}

// ---- texts for reasons ----

function optionText(o: ModuleOption): string {
  return [o.negated ? '! ' : '', o.name, ...o.args.map((a) => ` ${displayWord(a)}`)].join('');
}

function moduleText(module: MatchModule, options: readonly ModuleOption[]): string {
  const head = module.implicit ? '' : `-m ${module.name}`;
  return [head, ...options.map(optionText)].filter((s) => s !== '').join(' ');
}

function notModelledReason(module: MatchModule, options: readonly ModuleOption[]): string {
  const hint = MODULE_HINTS.get(module.name);
  return `match "${moduleText(module, options)}" is not modelled${hint ? ` (${hint})` : ''}`;
}

const ICMP_TYPES = Ports.range(0, 255);

interface IcmpMatch {
  readonly types: IntervalSet;
  readonly codes: IntervalSet;
}

/** By option text, `!` in front when negated: rule sets repeat a few ICMP types. */
const icmpMatches = new TextCache<IcmpMatch>(256);

/**
 * `--icmp-type 8`, `3/4` (type/code) or `any`, as iptables-save prints them (always numeric), as sets of
 * types and codes; undefined for names and for a negated type/code pair, which is not one product.
 */
function icmpTypeMatch(text: string, negated: boolean): IcmpMatch | undefined {
  const key = negated ? `!${text}` : text;
  const cached = icmpMatches.get(key);
  if (cached) return cached;
  const icmp = icmpTypeSets(text, negated);
  return icmp && icmpMatches.set(key, icmp);
}

function icmpTypeSets(text: string, negated: boolean): IcmpMatch | undefined {
  if (text === 'any') return negated ? { types: Ports.none(), codes: ALL_PORTS } : { types: ALL_PORTS, codes: ALL_PORTS };
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (!m || Number(m[1]) > 255 || (m[2] !== undefined && Number(m[2]) > 255)) return undefined;
  const type = Ports.range(Number(m[1]));
  if (m[2] === undefined) return { types: negated ? ICMP_TYPES.subtract(type) : type, codes: ALL_PORTS };
  return negated ? undefined : { types: type, codes: Ports.range(Number(m[2])) };
}
