/**
 * Address translation of one VDOM, as Device.nat (consulted in order; the first matching rule translates).
 *
 * Destination NAT: each VIP that translates traffic (policy-based NAT: named by a policy; central NAT: every enabled
 * VIP), in VIP order. Policies see VIP traffic untranslated in policy-based NAT (seenFromStage Infinity: rules are
 * written on the external address, policies.ts) and translated in central NAT, where they name mapped addresses
 * (seenFromStage 0). A VIP mapping a range one to one becomes one rule per external address.
 *
 * Source NAT, which policies never see (seenFromStage Infinity):
 * - policy-based NAT: every accepting policy in order (its match is the policy's), translating when it has
 *   `set nat enable` and leaving the source unchanged otherwise, so a flow an earlier policy accepts without NAT is
 *   not taken for translated. The address is, in FortiOS's order (community.fortinet.com ta-p/193423, ta-p/189955):
 *   the external address of a static-NAT VIP whose mapped address is the source, leaving by its extintf (unless the
 *   policy names an IP pool and the VIP has no `nat-source-vip enable`), else the policy's IP pools, else the
 *   address of the outgoing interface;
 * - central NAT: VIPs with `nat-source-vip enable`, then `config firewall central-snat-map` in order.
 */
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import type { NatRule, Rule, RuleMatch } from '../../src/model/rule-graph.js';
import type { AddressResolver, Report } from './addresses.js';
import { expandInterfaces, type Interfaces } from './interfaces.js';
import { ModelError } from './model.js';
import type { Origins } from './origins.js';
import { settingOf, valueOf, valuesOf, type Entry } from './tree.js';
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

/** Source NAT in policy-based NAT mode; `policies` are the accepting policies' entries with their rules, in order. */
export function policySourceNat(policies: readonly { entry: Entry; rule: Rule }[], grabs: ReadonlyMap<Vip, readonly HeaderSpace[]>, ctx: NatContext): NatRule[] {
  let lastNat = policies.length - 1;
  while (lastNat >= 0 && valueOf(policies[lastNat]!.entry, 'nat') !== 'enable') lastNat--;
  const out: NatRule[] = [];
  const staticVips = [...grabs.keys()].filter((v) => !v.portForward && v.mapped);
  for (const { entry, rule } of policies.slice(0, lastNat + 1)) {
    if (!rule.enabled) continue;
    const origin = rule.origin;
    const base = { kind: 'source' as const, seenFromStage: Infinity, enabled: true, origin };
    if (valueOf(entry, 'nat') !== 'enable') {
      out.push({ ...base, id: `${rule.id}/no-nat`, match: rule.match });
      continue;
    }
    const pools = valueOf(entry, 'ippool') === 'enable' ? valuesOf(entry, 'poolname') : [];
    for (const vip of staticVips) {
      if (pools.length > 0 && !vip.natSourceVip) continue;
      const reverse = reverseVip(vip, rule.match, rule.id, { ...base, origin: ctx.origins.ofNode(vip.entry) });
      if (reverse) out.push(reverse);
    }
    const to = pools.length > 0 ? poolAddresses(entry, pools, ctx) : egressAddresses(rule.match, ctx);
    if (!to) {
      ctx.report(entry.line, 'warning', `${rule.id}: source NAT to the outgoing interface's address, which the export does not give; the translation is left out`);
      continue;
    }
    out.push({ ...base, id: `${rule.id}/nat`, match: { ...rule.match, flows: ipv4Only(rule.match.flows) }, toAddresses: to });
  }
  return out;
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
    const inNames = expandInterfaces(ctx.interfaces, valuesOf(e, 'srcintf'));
    const outNames = expandInterfaces(ctx.interfaces, valuesOf(e, 'dstintf'));
    const match: RuleMatch = {
      flows: [headerSpace({ family: 'ipv4', src: src.possible, dst: dst.possible, proto: protocol === 0 ? Protocols.any() : Protocols.only(protocol), sport: origPorts(e) })],
      ...(inNames ? { inInterface: { names: inNames, negated: false } } : {}),
      ...(outNames ? { outInterface: { names: outNames, negated: false } } : {}),
    };
    const pools = valuesOf(e, 'nat-ippool');
    const translate = valueOf(e, 'nat') !== 'disable';
    const to = !translate ? undefined : pools.length > 0 ? poolAddresses(e, pools, ctx) : egressAddresses(match, ctx);
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
  const mapped = AddressSet.fromIntervals('ipv4', [[vip.mapped!.lo, vip.mapped!.hi]]);
  const flows = intersectFlows(match.flows, [headerSpace({ family: 'ipv4', src: mapped })]);
  const out = match.outInterface?.names;
  if (flows.length === 0 || (vip.extIntf && out && !out.includes(vip.extIntf))) return undefined;
  return {
    ...base,
    id: `${id}/snat/vip/${vip.name}`,
    match: { ...match, flows, ...(vip.extIntf ? { outInterface: { names: [vip.extIntf], negated: false } } : {}) },
    toAddresses: AddressSet.fromIntervals('ipv4', [[vip.ext.lo, vip.ext.hi]]),
  };
}

function poolAddresses(entry: Entry, pools: readonly string[], ctx: NatContext): AddressSet | undefined {
  let out = AddressSet.NONE;
  for (const name of pools) {
    const pool = ctx.ippools.get(name);
    const start = pool && valueOf(pool, 'startip');
    if (!pool || !start) {
      ctx.report(entry.line, 'warning', `IP pool "${name}" is not defined in the export`);
      return undefined;
    }
    try {
      out = out.union(AddressSet.parse(`${start}-${valueOf(pool, 'endip') ?? start}`));
    } catch {
      throw new ModelError(settingOf(pool, 'startip')!.line, `IP pool "${name}": malformed startip/endip`);
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
  if (!m || Number(m[2] ?? m[1]) > 65535 || Number(m[1]) > Number(m[2] ?? m[1])) throw new ModelError(e.line, `central-snat-map/${e.name}: malformed orig-port "${text}"`);
  return m[1] === '0' && m[2] === undefined ? Ports.any() : Ports.range(Number(m[1]), Number(m[2] ?? m[1]));
}

function ipv4Only(flows: readonly HeaderSpace[]): HeaderSpace[] {
  return intersectFlows(flows, [headerSpace({ family: 'ipv4' })]);
}
