/**
 * Address translation of one VDOM, as Device.nat (consulted in order; the first matching rule translates).
 *
 * Destination NAT: each VIP that translates traffic (policy-based NAT: named by a policy; central NAT: every enabled
 * VIP), in VIP order. Policies see VIP traffic untranslated in policy-based NAT (seenFromStage Infinity: rules are
 * written on the external address, policies.ts) and translated in central NAT, where they name mapped addresses
 * (seenFromStage 0). A VIP mapping a range one to one becomes one rule per external address.
 *
 * Source NAT, which policies never see (seenFromStage Infinity):
 * - policy-based NAT: each accepting policy with `set nat enable`, in order, its match the policy's. A flow that an
 *   earlier policy accepts without NAT would not be translated; listing every non-NAT policy as a rule that leaves the
 *   source unchanged would say so, at the price of naming each of them as "translating" in evidence, and translation
 *   after the last filter changes no verdict. The address is, in FortiOS's order (community.fortinet.com ta-p/193423,
 *   ta-p/189955):
 *   the external address of a static-NAT VIP whose mapped address is the source, leaving by its extintf (unless the
 *   policy names an IP pool and the VIP has no `nat-source-vip enable`), else the policy's IP pools, else the
 *   address of the outgoing interface;
 * - central NAT: VIPs with `nat-source-vip enable`, then `config firewall central-snat-map` in order.
 */
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, overlapsSpace, Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import type { InterfaceMatch, NatRule, Origin, Rule, RuleMatch } from '../../src/model/rule-graph.js';
import type { AddressResolver, Report } from './addresses.js';
import { interfaceTest, type Interfaces } from './interfaces.js';
import type { Origins } from './origins.js';
import { ConfigError, settingOf, valueOf, valuesOf, type Entry, type Setting } from './tree.js';
import type { Vip } from './vips.js';

/** Ranges mapped one to one are split into one rule per address up to this size. */
const MAX_SPLIT = 256;

export interface NatContext {
  readonly origins: Origins;
  readonly interfaces: Interfaces;
  readonly addresses: AddressResolver;
  readonly ippools: ReadonlyMap<string, Entry>;
  readonly centralNat: boolean;
  readonly report: Report;
}

export function destinationNat(grabs: ReadonlyMap<Vip, readonly HeaderSpace[]>, ctx: NatContext): NatRule[] {
  const out: NatRule[] = [];
  for (const [vip, grab] of grabs) {
    const origin = ctx.origins.ofNode(vip.entry);
    for (const reason of vip.reasons) ctx.report(vip.entry.line, 'warning', `${reason}: its address translation is not exactly known`);
    const pf = vip.portForward;
    const toPorts = pf && (pf.mapped.lo !== pf.ext.lo || pf.mapped.hi !== pf.ext.hi) ? Ports.range(Number(pf.mapped.lo), Number(pf.mapped.hi)) : undefined;
    if (toPorts && pf!.mapped.hi !== pf!.mapped.lo) ctx.report(vip.entry.line, 'info', `VIP "${vip.name}": ports ${pf!.ext.lo}-${pf!.ext.hi} map one to one onto ${pf!.mapped.lo}-${pf!.mapped.hi}; the NAT rule names the mapped range only`);
    const base = {
      kind: 'destination' as const,
      seenFromStage: ctx.centralNat ? 0 : Infinity,
      enabled: true,
      origin,
      ...(toPorts ? { toPorts } : {}),
    };
    const listen = vip.listenOn ? { inInterface: { names: vip.listenOn, negated: false } } : {};
    for (const [ext, mapped] of addressPairs(vip)) {
      const flows = ext ? intersectFlows(grab, [headerSpace({ family: 'ipv4', dst: ext })]) : [...grab];
      if (flows.length === 0) continue;
      out.push({ ...base, id: ext ? `vip/${vip.name}/${ext.toStrings()[0]}` : `vip/${vip.name}`, match: { flows, ...listen }, ...(mapped ? { toAddresses: mapped } : {}) });
    }
  }
  return out;
}

/**
 * External → mapped address pairs of a VIP: one pair per address for a small one-to-one range (external undefined when
 * the whole external range is meant), the mapped side undefined when unknown.
 */
function addressPairs(vip: Vip): [AddressSet | undefined, AddressSet | undefined][] {
  const { ext, mapped } = vip;
  const size = ext.hi - ext.lo + 1n;
  if (!mapped) return [[undefined, undefined]];
  const one = (lo: bigint, hi = lo) => AddressSet.fromIntervals('ipv4', [[lo, hi]]);
  if (size === 1n || mapped.lo === mapped.hi || size > BigInt(MAX_SPLIT)) return [[undefined, one(mapped.lo, mapped.hi)]];
  const pairs: [AddressSet, AddressSet][] = [];
  for (let k = 0n; k < size; k++) pairs.push([one(ext.lo + k), one(mapped.lo + k)]);
  return pairs;
}

/** A policy with `set nat enable`: its rule, its entry, the `set nat enable` line, and its IP pools. */
export interface TranslatingPolicy {
  readonly rule: Rule;
  readonly entry: Entry;
  readonly nat: Setting;
  readonly pools: readonly string[];
}

/**
 * Source NAT in policy-based NAT mode, from the translating policies in order. Policies that translate the same way
 * (same interfaces, same address) share one rule, placed at the first of them, when no rule of another translation
 * in between could take their flows: a first-match list gives every flow the same translation either way, and a
 * 100,000-policy configuration then has a few hundred NAT rules instead of tens of thousands.
 */
export function policySourceNat(policies: readonly TranslatingPolicy[], grabs: ReadonlyMap<Vip, readonly HeaderSpace[]>, ctx: NatContext): NatRule[] {
  const items: (NatRule | Group)[] = [];
  const open = new Map<string, { group: Group; at: number }>();
  const staticVips = [...grabs.keys()].filter((v) => !v.portForward && v.mapped);
  const egress = new Map<string, AddressSet | undefined>();
  for (const p of policies) {
    const { rule, pools } = p;
    if (!rule.enabled) continue;
    for (const vip of staticVips) {
      if (pools.length > 0 && !vip.natSourceVip) continue;
      const reverse = reverseVip(vip, rule.match, rule.id, { kind: 'source', seenFromStage: Infinity, enabled: true, origin: ctx.origins.ofNode(vip.entry) });
      if (reverse) items.push(reverse);
    }
    const outKey = rule.match.outInterface?.names.join(' ') ?? '';
    if (pools.length === 0 && !egress.has(outKey)) egress.set(outKey, egressAddresses(rule.match, ctx));
    const to = pools.length > 0 ? poolAddresses(rule.origin.line, pools, ctx) : egress.get(outKey);
    if (!to) {
      ctx.report(rule.origin.line, 'warning', `${rule.id}: source NAT to the outgoing interface's address, which the export does not give; the translation is left out`);
      continue;
    }
    const flows = ipv4Only(rule.match.flows);
    const key = `${rule.match.inInterface?.names.join(' ') ?? ''}|${outKey}|${pools.join(' ')}`;
    const current = open.get(key);
    if (current && !items.slice(current.at + 1).some((other) => mayTake(other, rule.match, flows))) {
      current.group.members.push(p);
      current.group.flows.push(...flows);
      continue;
    }
    const group: Group = { members: [p], flows: [...flows], match: rule.match, to };
    open.set(key, { group, at: items.length });
    items.push(group);
  }
  return items.map((item) => ('kind' in item ? item : groupRule(item, ctx)));
}

interface Group {
  readonly members: TranslatingPolicy[];
  readonly flows: HeaderSpace[];
  readonly match: RuleMatch;
  readonly to: AddressSet;
}

/** Whether a NAT rule could translate a flow of `match`/`flows` first: interfaces that can meet, and flows that overlap. */
function mayTake(other: NatRule | Group, match: RuleMatch, flows: readonly HeaderSpace[]): boolean {
  const o = 'kind' in other ? other.match : other.match;
  if (disjointTests(o.inInterface, match.inInterface) || disjointTests(o.outInterface, match.outInterface)) return false;
  const theirs = 'kind' in other ? other.match.flows : other.flows;
  return theirs.some((a) => flows.some((b) => overlapsSpace(a, b)));
}

function disjointTests(a: InterfaceMatch | undefined, b: InterfaceMatch | undefined): boolean {
  return a !== undefined && b !== undefined && !a.negated && !b.negated && !a.names.some((n) => b.names.includes(n));
}

function groupRule(g: Group, ctx: NatContext): NatRule {
  const first = g.members[0]!.rule;
  const origin = g.members.length === 1 ? first.origin : new NatLinesOrigin(ctx.origins, g.members);
  return { id: `${first.id}/nat`, kind: 'source', match: { ...g.match, flows: g.flows }, toAddresses: g.to, seenFromStage: Infinity, enabled: true, origin };
}

/** Quotes the `edit` and `set nat enable` lines of the policies that share one translation, when first read. */
class NatLinesOrigin implements Origin {
  static readonly SHOWN = 20;
  readonly file: string;
  readonly line: number;
  readonly #origins: Origins;
  readonly #members: readonly TranslatingPolicy[];
  #text: string | undefined;

  constructor(origins: Origins, members: readonly TranslatingPolicy[]) {
    this.file = origins.fileName;
    this.line = members[0]!.entry.line;
    this.#origins = origins;
    this.#members = members;
  }

  get text(): string {
    if (this.#text === undefined) {
      const shown = this.#members.slice(0, NatLinesOrigin.SHOWN).map((m) => `${this.#origins.ofHeader(m.entry).text}: ${this.#origins.ofSetting(m.nat).text}`);
      const more = this.#members.length - shown.length;
      this.#text = [...shown, ...(more > 0 ? [`… and ${more} more policies with the same translation`] : [])].join('\n');
    }
    return this.#text;
  }

  toJSON(): Origin {
    return { file: this.file, line: this.line, text: this.text };
  }
}

/** Source NAT in central NAT mode: VIPs with `nat-source-vip enable`, then `config firewall central-snat-map`. */
export function centralSourceNat(entries: readonly Entry[], grabs: ReadonlyMap<Vip, readonly HeaderSpace[]>, ctx: NatContext): NatRule[] {
  const out: NatRule[] = [];
  for (const vip of grabs.keys()) {
    if (!vip.natSourceVip || vip.portForward || !vip.mapped) continue;
    const reverse = reverseVip(vip, { flows: [headerSpace({ family: 'ipv4' })] }, `vip/${vip.name}`, { kind: 'source', seenFromStage: Infinity, enabled: true, origin: ctx.origins.ofNode(vip.entry) });
    if (reverse) out.push(reverse);
  }
  for (const e of entries) {
    const id = `central-snat-map/${e.name}`;
    const origin = ctx.origins.ofNode(e);
    const resolve = (key: string) => ctx.addresses.resolveAll(valuesOf(e, key), 'ipv4', e.line, false);
    const src = resolve('orig-addr');
    const dst = resolve('dst-addr');
    for (const reason of [...src.reasons, ...dst.reasons]) ctx.report(e.line, 'warning', `${id}: ${reason}`);
    const protocol = Number(valueOf(e, 'protocol') ?? '0');
    const inTest = interfaceTest(ctx.interfaces, valuesOf(e, 'srcintf'));
    const outTest = interfaceTest(ctx.interfaces, valuesOf(e, 'dstintf'));
    const match: RuleMatch = {
      flows: [headerSpace({ family: 'ipv4', src: src.possible, dst: dst.possible, proto: protocol === 0 ? Protocols.any() : Protocols.only(protocol), sport: origPorts(e) })],
      ...(inTest ? { inInterface: inTest } : {}),
      ...(outTest ? { outInterface: outTest } : {}),
    };
    const pools = valuesOf(e, 'nat-ippool');
    const translate = valueOf(e, 'nat') !== 'disable';
    const to = !translate ? undefined : pools.length > 0 ? poolAddresses(e.line, pools, ctx) : egressAddresses(match, ctx);
    if (translate && !to) {
      ctx.report(e.line, 'warning', `${id}: source NAT to the outgoing interface's address, which the export does not give; the translation is left out`);
      continue;
    }
    out.push({ id, kind: 'source', match, ...(to ? { toAddresses: to } : {}), seenFromStage: Infinity, enabled: valueOf(e, 'status') !== 'disable', origin });
  }
  return out;
}

/** Outbound traffic from a static-NAT VIP's mapped address, leaving by its extintf, takes its external address. */
function reverseVip(vip: Vip, match: RuleMatch, id: string, base: Pick<NatRule, 'kind' | 'seenFromStage' | 'enabled' | 'origin'>): NatRule | undefined {
  const mapped = vip.mappedAddresses!;
  if (!match.flows.some((h) => h.src.overlaps(mapped))) return undefined;
  const flows = intersectFlows(match.flows, [headerSpace({ family: 'ipv4', src: mapped })]);
  const out = match.outInterface?.names;
  if (flows.length === 0 || (vip.extIntf && out && !out.includes(vip.extIntf))) return undefined;
  return {
    ...base,
    id: `${id}/snat/vip/${vip.name}`,
    match: { ...match, flows, ...(vip.extIntf ? { outInterface: { names: [vip.extIntf], negated: false } } : {}) },
    toAddresses: vip.extAddresses,
  };
}

function poolAddresses(line: number, pools: readonly string[], ctx: NatContext): AddressSet | undefined {
  let out = AddressSet.NONE;
  for (const name of pools) {
    const pool = ctx.ippools.get(name);
    const start = pool && valueOf(pool, 'startip');
    if (!pool || !start) {
      ctx.report(line, 'warning', `IP pool "${name}" is not defined in the export`);
      return undefined;
    }
    try {
      out = out.union(AddressSet.parse(`${start}-${valueOf(pool, 'endip') ?? start}`));
    } catch {
      throw new ConfigError(settingOf(pool, 'startip')!.line, `IP pool "${name}": malformed startip/endip`);
    }
  }
  return out;
}

/** The IPv4 addresses of the interfaces a flow may leave by; undefined when none is known. */
function egressAddresses(match: RuleMatch, ctx: NatContext): AddressSet | undefined {
  const names = match.outInterface?.names;
  let out = AddressSet.NONE;
  for (const i of ctx.interfaces.list) {
    if (names && !names.includes(i.name)) continue;
    for (const a of i.addresses) out = out.union(a.host.only('ipv4'));
  }
  return out.isEmpty() ? undefined : out;
}

function origPorts(e: Entry) {
  const text = valueOf(e, 'orig-port') ?? '0';
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m || Number(m[2] ?? m[1]) > 65535 || Number(m[1]) > Number(m[2] ?? m[1])) throw new ConfigError(e.line, `central-snat-map/${e.name}: malformed orig-port "${text}"`);
  return m[1] === '0' && m[2] === undefined ? Ports.any() : Ports.range(Number(m[1]), Number(m[2] ?? m[1]));
}

const ANY_IPV4 = [headerSpace({ family: 'ipv4' })];

/** The IPv4 part of a policy's flows: FortiOS's policy NAT translates IPv4. */
function ipv4Only(flows: readonly HeaderSpace[]): readonly HeaderSpace[] {
  return flows.every((h) => h.src.v6.isEmpty() && h.dst.v6.isEmpty()) ? flows : intersectFlows(flows, ANY_IPV4);
}
