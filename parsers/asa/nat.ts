/**
 * NAT statements → Translation (the vendor model), in the ASA's lookup order.
 *
 * 8.3 and later (Cisco ASA Series Firewall CLI Configuration Guide, "Network Address Translation", "NAT Rule
 * Order"): one table in three sections, first match wins.
 *   1. manual (twice) NAT, in configuration order;
 *   2. object (auto) NAT: static rules before dynamic ones; within each, fewer real addresses first, then the
 *      lower address, then the object name alphabetically;
 *   3. manual NAT with `after-auto`, in configuration order.
 * Syntax: `nat (real,mapped) static|dynamic MAPPED [service tcp REAL MAPPED]` inside `object network`, and
 * `nat (real,mapped) [after-auto] source static|dynamic REAL MAPPED [destination static MAPPED REAL]
 *  [service REAL MAPPED] [unidirectional] [inactive] [description …]`.
 *
 * Before 8.3 (ASA 8.2 configuration guide, "NAT order of operations"): NAT exemption (`nat 0 access-list`),
 * then `static` statements in order, then policy dynamic NAT (`nat N access-list`) in order, then regular
 * dynamic NAT, best (narrowest) match first. `static (real,mapped) MAPPED REAL [netmask M]`,
 * `static (real,mapped) tcp|udp MAPPED PORT REAL PORT`, `nat (real) N ADDR MASK` with `global (mapped) N …`.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { Ports, Protocols } from '../../src/model/header-space.js';
import type { Diagnostic } from '../../src/model/rule-graph.js';
import { addressRange, ANY, ANY4, hostAddress, ipv6Prefix, isIpv4, isIpv6Prefix, networkAddress, type Names } from './addresses.js';
import type { ConfigLine } from './config-lines.js';
import type { Acl, NatPlace, PortMap, Translation } from './model.js';
import { portNumber, protocolOf, SCTP, TCP, UDP } from './names.js';
import { asObjectError, ObjectError, type ObjectTable } from './objects.js';

export interface NatContext {
  readonly objects: ObjectTable;
  readonly names: Names;
  /** The interface's own addresses of one family; undefined when not in the export. */
  interfaceAddress(nameif: string, family: Family): AddressSet | undefined;
  acl(name: string): Acl | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Options that change nothing about which addresses are translated to which. */
const NEUTRAL_OPTIONS = new Set(['net-to-net', 'dns', 'route-lookup', 'no-proxy-arp', 'round-robin', 'extended', 'flat', 'include-reserve', 'block-allocation', 'norandomseq', 'nailed', 'outside']);

/** `nat (real,mapped) static|dynamic …` inside `object network NAME`. */
export function objectNat(object: string, line: ConfigLine, ctx: NatContext): Translation {
  return guarded(line, () => {
    const w = line.words;
    const { realIf, mappedIf } = interfacePair(w[1], line);
    const type = w[2];
    if (type !== 'static' && type !== 'dynamic') throw new ObjectError(line.line, `expected static or dynamic after ${w[1]}, found "${type}"`);
    const reader = new Words(w, 3, line);
    const mappedSource = type === 'static' ? mappedAddresses(reader, mappedIf, ctx) : dynamicMapped(reader, mappedIf, ctx);
    let ports: PortMap | undefined;
    for (let word = reader.peek(); word !== undefined; word = reader.peek()) {
      reader.skip();
      if (word === 'service') ports = objectService(reader, line);
      else if (word === 'description') break;
      else if (word === 'unidirectional') continue;
      else if (!NEUTRAL_OPTIONS.has(word)) ctx.diagnostics.push(ignored(line, word));
    }
    const realSource = ctx.objects.networkObject(object, line).addresses;
    const place: NatPlace = { section: 'auto', static: type === 'static', object };
    return translation(line, place, type === 'static' && !w.includes('unidirectional'), realIf, mappedIf, realSource, mappedSource, ports);
  });
}

/** Manual (twice) NAT: a top-level `nat (real,mapped) … source …`. */
export function twiceNat(line: ConfigLine, ctx: NatContext): Translation {
  return guarded(line, () => {
    const w = line.words;
    const { realIf, mappedIf } = interfacePair(w[1], line);
    const reader = new Words(w, 2, line);
    let section: 'manual' | 'after-auto' = 'manual';
    if (reader.peek() === 'after-auto') {
      section = 'after-auto';
      reader.skip();
    }
    if (/^\d+$/.test(reader.peek() ?? '')) reader.skip(); // a `line` number, when written
    reader.expect('source');
    const type = reader.next('static or dynamic');
    if (type !== 'static' && type !== 'dynamic') throw new ObjectError(line.line, `expected static or dynamic after "source", found "${type}"`);
    const realSource = namedAddresses(reader.next('the real source'), line, ctx);
    const mappedSource = type === 'static' ? mappedAddresses(reader, mappedIf, ctx) : dynamicMapped(reader, mappedIf, ctx);
    let mappedDestination: AddressSet | undefined;
    let realDestination: AddressSet | undefined;
    let ports: PortMap | undefined;
    let enabled = true;
    for (let word = reader.peek(); word !== undefined; word = reader.peek()) {
      reader.skip();
      if (word === 'destination') {
        reader.expect('static');
        mappedDestination = mappedAddresses(reader, mappedIf, ctx);
        realDestination = namedAddresses(reader.next('the real destination'), line, ctx);
      } else if (word === 'service') {
        ports = twiceService(reader.next('the real service'), reader.next('the mapped service'), line, ctx);
      } else if (word === 'inactive') {
        enabled = false;
      } else if (word === 'description') {
        break;
      } else if (word !== 'unidirectional' && !NEUTRAL_OPTIONS.has(word)) {
        ctx.diagnostics.push(ignored(line, word));
      }
    }
    const t = translation(line, { section }, type === 'static' && !w.includes('unidirectional'), realIf, mappedIf, realSource, mappedSource, ports, {
      mappedDestination,
      realDestination,
    });
    return enabled ? t : { ...t, enabled: false };
  });
}

/** Pre-8.3 `static (real,mapped) …`. */
export function legacyStatic(line: ConfigLine, ctx: NatContext): Translation {
  return guarded(line, () => {
    const w = line.words;
    const { realIf, mappedIf } = interfacePair(w[1], line);
    const reader = new Words(w, 2, line);
    let proto: number | undefined;
    if (reader.peek() === 'tcp' || reader.peek() === 'udp') proto = protocolOf(reader.next('a protocol'));
    const mappedWord = reader.next('the mapped address');
    const mappedPort = proto !== undefined ? portNumber(reader.next('the mapped port')) : undefined;
    let realWord: string | undefined;
    let policy: Acl | undefined;
    if (reader.peek() === 'access-list') {
      reader.skip();
      policy = aclNamed(reader.next('an access-list'), line, ctx);
    } else {
      realWord = reader.next('the real address');
    }
    const realPort = proto !== undefined && !policy ? portNumber(reader.next('the real port')) : undefined;
    let mask = '255.255.255.255';
    for (let word = reader.peek(); word !== undefined; word = reader.peek()) {
      reader.skip();
      if (word === 'netmask') mask = reader.next('a network mask');
      else if (word === 'tcp' || word === 'udp') {
        // connection limits: `tcp MAX [EMBRYONIC]`
        while (/^\d+$/.test(reader.peek() ?? '')) reader.skip();
      } else if (!/^\d+$/.test(word) && !NEUTRAL_OPTIONS.has(word)) {
        // Bare numbers are the older form of the connection limits (`… netmask 255.255.255.255 0 0`).
        ctx.diagnostics.push(ignored(line, word));
      }
    }
    const mapped = mappedWord === 'interface' ? interfaceAddresses(mappedIf, 'ipv4', line, ctx) : networkAddress(mappedWord, mask, ctx.names);
    const scope = policy ? policyScope(policy) : undefined;
    const realSource = scope ? scope.sources : networkAddress(realWord!, mask, ctx.names);
    const ports =
      proto !== undefined && mappedPort !== undefined && realPort !== undefined ? serverPorts(Protocols.only(proto), Ports.range(realPort), Ports.range(mappedPort)) : undefined;
    return translation(line, { section: 'legacy-static' }, true, realIf, mappedIf, realSource, mapped, ports, scope ? { mappedDestination: scope.destinations, realDestination: scope.destinations } : {});
  });
}

/** Pre-8.3 `nat (real) ID …` statements with their `global (mapped) ID …` pools: dynamic NAT, and `nat 0` exemption. */
export function legacyDynamic(nats: readonly ConfigLine[], globals: readonly ConfigLine[], ctx: NatContext): Translation[] {
  const pools = globals.map((g) =>
    guarded(g, () => {
      const mappedIf = interfacePair(g.words[1], g).realIf;
      const id = g.words[2];
      const what = g.words[3];
      if (id === undefined || what === undefined) throw new ObjectError(g.line, `"${g.text.trim()}" is incomplete`);
      let addresses: AddressSet;
      if (what === 'interface') addresses = interfaceAddresses(mappedIf, 'ipv4', g, ctx);
      else if (what.includes('-')) addresses = addressRange(what.slice(0, what.indexOf('-')), what.slice(what.indexOf('-') + 1), ctx.names);
      else addresses = hostAddress(what, ctx.names);
      return { id, mappedIf, addresses };
    }),
  );
  const out: Translation[] = [];
  for (const line of nats) {
    guarded(line, () => {
      const realIf = interfacePair(line.words[1], line).realIf;
      const id = line.words[2];
      const reader = new Words(line.words, 3, line);
      let scope: { sources: AddressSet; destinations?: AddressSet };
      if (reader.peek() === 'access-list') {
        reader.skip();
        scope = policyScope(aclNamed(reader.next('an access-list'), line, ctx));
      } else {
        const address = reader.next('an address');
        scope = { sources: address === '0' ? ANY4 : networkAddress(address, reader.next('a network mask'), ctx.names) };
      }
      const policy = line.words[3] === 'access-list';
      if (id === '0') {
        // NAT exemption (with an access-list) and identity NAT: addresses stay as they are, in both directions for an exemption.
        const place: NatPlace = policy ? { section: 'legacy-exempt' } : { section: 'legacy-dynamic', static: false, object: '' };
        const both = scope.destinations ? { mappedDestination: scope.destinations, realDestination: scope.destinations } : {};
        out.push(translation(line, place, policy, realIf, undefined, scope.sources, scope.sources, undefined, both));
        return;
      }
      // Policy dynamic NAT only selects by destination; it does not translate it.
      const destination = scope.destinations ? { mappedDestination: scope.destinations } : {};
      const matching = pools.filter((p) => p.id === id);
      if (matching.length === 0) {
        ctx.diagnostics.push({ line: line.line, level: 'warning', message: `nat id ${id} has no global pool: the addresses it selects are not translated` });
      }
      for (const pool of matching) {
        const place: NatPlace = policy ? { section: 'legacy-policy' } : { section: 'legacy-dynamic', static: false, object: '' };
        out.push(translation(line, place, false, realIf, pool.mappedIf, scope.sources, pool.addresses, undefined, destination));
      }
    });
  }
  return out;
}

/** The statements in the order the ASA looks them up (see the module comment). */
export function inLookupOrder(translations: readonly Translation[]): Translation[] {
  const SECTIONS: readonly NatPlace['section'][] = ['manual', 'auto', 'after-auto', 'legacy-exempt', 'legacy-static', 'legacy-policy', 'legacy-dynamic'];
  const indexed = translations.map((t, i) => ({ t, i }));
  return indexed
    .sort((a, b) => {
      const s = SECTIONS.indexOf(a.t.place.section) - SECTIONS.indexOf(b.t.place.section);
      if (s !== 0) return s;
      const pa = a.t.place;
      const pb = b.t.place;
      if ('static' in pa && 'static' in pb) {
        if (pa.static !== pb.static) return pa.static ? -1 : 1;
        const size = compare(count(a.t.realSource), count(b.t.realSource));
        if (size !== 0) return size;
        const low = compare(lowest(a.t.realSource), lowest(b.t.realSource));
        if (low !== 0) return low;
        if (pa.object !== pb.object) return pa.object < pb.object ? -1 : 1;
      }
      return a.i - b.i;
    })
    .map(({ t }) => t);
}

function count(a: AddressSet): bigint {
  return a.v4.size() + a.v6.size();
}

function lowest(a: AddressSet): bigint {
  return a.v4.lowest() ?? a.v6.lowest() ?? 0n;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function translation(
  line: ConfigLine,
  place: NatPlace,
  bidirectional: boolean,
  realIf: string | undefined,
  mappedIf: string | undefined,
  realSource: AddressSet,
  mappedSource: AddressSet,
  ports: PortMap | undefined,
  destination: { mappedDestination?: AddressSet | undefined; realDestination?: AddressSet | undefined } = {},
): Translation {
  // `any` is both families, but a translation stays within the family it maps to (`interface` is the IPv4 address).
  const real = withinFamilyOf(realSource, mappedSource);
  const realDestination = destination.realDestination && destination.mappedDestination ? withinFamilyOf(destination.realDestination, destination.mappedDestination) : destination.realDestination;
  return {
    line,
    place,
    bidirectional,
    ...(realIf ? { realIf } : {}),
    ...(mappedIf ? { mappedIf } : {}),
    realSource: real,
    mappedSource,
    ...(destination.mappedDestination ? { mappedDestination: destination.mappedDestination } : {}),
    ...(realDestination ? { realDestination } : {}),
    ...(ports ? { ports } : {}),
    enabled: true,
  };
}

function withinFamilyOf(addresses: AddressSet, of: AddressSet): AddressSet {
  const families = of.families();
  return families.length === 1 ? addresses.only(families[0]!) : addresses;
}

/** `(inside,outside)` → the two nameifs (`any` = every interface); `(inside)` → realIf only. */
function interfacePair(word: string | undefined, line: ConfigLine): { realIf?: string; mappedIf?: string } {
  const m = /^\(([^,()]+)(?:,([^,()]+))?\)$/.exec(word ?? '');
  if (!m) throw new ObjectError(line.line, `expected (real_interface,mapped_interface), found "${word ?? ''}"`);
  const pick = (s: string | undefined) => (s === undefined || s === 'any' ? {} : { name: s });
  const real = pick(m[1]).name;
  const mapped = pick(m[2]).name;
  return { ...(real ? { realIf: real } : {}), ...(mapped ? { mappedIf: mapped } : {}) };
}

/** A mapped address of a static translation: `interface [ipv6]`, an inline address, or a network object or group. */
function mappedAddresses(reader: Words, mappedIf: string | undefined, ctx: NatContext): AddressSet {
  const word = reader.next('the mapped address');
  if (word === 'interface') {
    const family: Family = reader.peek() === 'ipv6' ? 'ipv6' : 'ipv4';
    if (family === 'ipv6') reader.skip();
    return interfaceAddresses(mappedIf, family, reader.line, ctx);
  }
  return namedAddresses(word, reader.line, ctx);
}

/** The mapped side of a dynamic translation: objects, `pat-pool OBJ`, and `interface` as the fallback, all pooled. */
function dynamicMapped(reader: Words, mappedIf: string | undefined, ctx: NatContext): AddressSet {
  let pool: AddressSet | undefined;
  const add = (a: AddressSet) => (pool = pool ? pool.union(a) : a);
  for (let word = reader.peek(); word !== undefined && !NAT_KEYWORDS.has(word); word = reader.peek()) {
    if (word === 'pat-pool') {
      reader.skip();
      continue;
    }
    add(mappedAddresses(reader, mappedIf, ctx));
  }
  if (!pool) throw new ObjectError(reader.line.line, 'a dynamic translation needs a mapped address');
  return pool;
}

/** Words that end the mapped side of a dynamic translation. */
const NAT_KEYWORDS = new Set(['destination', 'service', 'inactive', 'description', 'unidirectional', ...NEUTRAL_OPTIONS]);

/** `any`, an inline address or prefix, or a network object or group name. */
function namedAddresses(word: string, line: ConfigLine, ctx: NatContext): AddressSet {
  if (word === 'any') return ANY;
  if (isIpv4(word) || ctx.names.has(word) || (word.includes(':') && !isIpv6Prefix(word))) return hostAddress(word, ctx.names);
  if (isIpv6Prefix(word)) return ipv6Prefix(word);
  if (!ctx.objects.hasObject(word, 'network') && ctx.objects.groupKind(word) !== 'network') {
    throw new ObjectError(line.line, `"${word}" is neither an address nor a network object or object-group`);
  }
  const members = ctx.objects.hasObject(word, 'network') ? ctx.objects.networkObject(word, line) : ctx.objects.networkGroup(word, line);
  if (members.unresolved.length) throw new ObjectError(line.line, `NAT cannot use "${word}": it holds ${members.unresolved.map((u) => u.what).join(', ')}`);
  return members.addresses;
}

function interfaceAddresses(nameif: string | undefined, family: Family, line: ConfigLine, ctx: NatContext): AddressSet {
  const own = nameif ? ctx.interfaceAddress(nameif, family) : undefined;
  if (!own) throw new ObjectError(line.line, `the ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address of interface ${nameif ?? '(any)'} is not in the export`);
  return own;
}

/** Object NAT `service tcp|udp|sctp REAL MAPPED`: a server's port REAL is published as MAPPED. */
function objectService(reader: Words, line: ConfigLine): PortMap {
  const proto = protocolOf(reader.next('a protocol'));
  if (proto !== TCP && proto !== UDP && proto !== SCTP) throw new ObjectError(line.line, 'NAT service translation needs tcp, udp or sctp');
  const real = Ports.range(portNumber(reader.next('the real port')));
  const mapped = Ports.range(portNumber(reader.next('the mapped port')));
  return serverPorts(Protocols.only(proto), real, mapped);
}

/** A server published on another port: to it, the mapped destination port becomes the real one; from it, the reverse on the source port. */
function serverPorts(proto: PortMap['proto'], real: PortMap['proto'], mapped: PortMap['proto']): PortMap {
  return { proto, fromMapped: { dim: 'dport', match: mapped, to: real }, fromReal: { dim: 'sport', match: real, to: mapped } };
}

/**
 * Twice NAT `service REAL_SVC MAPPED_SVC`: both are destination-port service objects as the real-side host
 * sees them: it connects to REAL_SVC's port, which the server receives as MAPPED_SVC's; replies go back the other way.
 */
function twiceService(realName: string, mappedName: string, line: ConfigLine, ctx: NatContext): PortMap {
  const [a] = ctx.objects.serviceObject(realName, line);
  const [b] = ctx.objects.serviceObject(mappedName, line);
  if (!a || !b) throw new ObjectError(line.line, 'NAT service objects must each define one service');
  return { proto: a.proto, fromReal: { dim: 'dport', match: a.dport, to: b.dport }, fromMapped: { dim: 'sport', match: b.dport, to: a.dport } };
}

/** Policy NAT: the sources and destinations of the access-list's permit entries. */
function policyScope(acl: Acl): { sources: AddressSet; destinations: AddressSet } {
  let sources = AddressSet.NONE;
  let destinations = AddressSet.NONE;
  for (const { ace } of acl.entries) {
    if (ace.action !== 'permit' || ace.inactive) continue;
    for (const h of ace.flows) {
      sources = sources.union(h.src);
      destinations = destinations.union(h.dst);
    }
  }
  return { sources, destinations };
}

function aclNamed(name: string, line: ConfigLine, ctx: NatContext): Acl {
  const acl = ctx.acl(name);
  if (!acl) throw new ObjectError(line.line, `access-list "${name}" is not defined`);
  return acl;
}

function ignored(line: ConfigLine, word: string): Diagnostic {
  return { line: line.line, level: 'warning', message: `NAT option "${word}" is not understood and was ignored` };
}

function guarded<V>(line: ConfigLine, f: () => V): V {
  try {
    return f();
  } catch (e) {
    throw asObjectError(e, line);
  }
}

/** A cursor over a line's words. */
class Words {
  constructor(
    private readonly words: readonly string[],
    private k: number,
    readonly line: ConfigLine,
  ) {}

  peek(): string | undefined {
    return this.words[this.k];
  }

  skip(): void {
    this.k++;
  }

  next(what: string): string {
    const w = this.words[this.k++];
    if (w === undefined) throw new ObjectError(this.line.line, `incomplete NAT statement: ${what} is missing`);
    return w;
  }

  expect(word: string): void {
    const w = this.next(`"${word}"`);
    if (w !== word) throw new ObjectError(this.line.line, `expected "${word}", found "${w}"`);
  }
}
