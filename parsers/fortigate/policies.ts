/**
 * FortiOS policies → rules. `config firewall policy` (IPv4, and since 6.4 IPv4 and IPv6 in one policy with
 * `srcaddr6`/`dstaddr6`), `config firewall policy6` (IPv6 before 6.4) and `config firewall local-in-policy(6)`
 * (traffic to the FortiGate itself). FortiOS evaluates a VDOM's policies top to bottom in the order the
 * configuration lists them (the policy id is only a name), the first one matching the flow's source and destination
 * interfaces, addresses and service decides, and what none matches is dropped (the implicit deny, policy 0).
 *
 * Defaults that `show` does not print: `action deny`, `status enable`, no negation, `schedule` always.
 *
 * VIPs (policy-based NAT, the default): FortiOS translates first, then looks up the policy. A policy naming a VIP
 * matches the traffic the VIP translated (vips.ts); any other policy does not match VIP traffic, except a deny
 * policy with `match-vip enable` (the default since FortiOS 7.2.4; Fortinet "Technical Tip: DENY policy for Virtual
 * IP firewall policy" and the 7.2.3/7.2.4 release notes), which matches it by its translated destination. Rules here
 * are written on the untranslated flows (NatRule.seenFromStage Infinity). In central NAT mode policies name the
 * translated (mapped) addresses and VIPs never appear in them.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import type { InterfaceMatch, Rule, RuleAction } from '../../src/model/rule-graph.js';
import type { AddressResolver, Report } from './addresses.js';
import { mergeReasons, unknown, type Bounds } from './bounds.js';
import { interfaceTest, type Interfaces } from './interfaces.js';
import type { Version } from './model.js';
import type { Origins } from './origins.js';
import type { ServiceBounds, ServiceResolver } from './services.js';
import { fieldsFor, type Entry, type Fields, type Setting } from './tree.js';
import { mergeAlong } from './spaces.js';
import { vipGroupMembers, vipPreimage, type Vip } from './vips.js';

/** How one kind of policy table names its fields. */
export interface PolicyKind {
  /** Rule id prefix: `policy/12`. */
  readonly id: string;
  readonly inKey: string;
  readonly outKey?: string;
  /** Per address family, the setting that names the sources and the one that names the destinations. */
  readonly families: readonly (readonly [Family, string, string])[];
  /** Whether its destinations may be VIPs. */
  readonly vips: boolean;
}

export const POLICY: PolicyKind = { id: 'policy', inKey: 'srcintf', outKey: 'dstintf', families: [['ipv4', 'srcaddr', 'dstaddr'], ['ipv6', 'srcaddr6', 'dstaddr6']], vips: true };
export const POLICY6: PolicyKind = { id: 'policy6', inKey: 'srcintf', outKey: 'dstintf', families: [['ipv6', 'srcaddr', 'dstaddr']], vips: false };
export const LOCAL_IN: PolicyKind = { id: 'local-in-policy', inKey: 'intf', families: [['ipv4', 'srcaddr', 'dstaddr'], ['ipv6', 'srcaddr6', 'dstaddr6']], vips: false };
export const LOCAL_IN6: PolicyKind = { id: 'local-in-policy6', inKey: 'intf', families: [['ipv6', 'srcaddr', 'dstaddr']], vips: false };

export interface PolicyContext {
  readonly origins: Origins;
  readonly addresses: AddressResolver;
  readonly services: ServiceResolver;
  readonly interfaces: Interfaces;
  /** VIPs by name, and VIP groups (`config firewall vipgrp`) by name. */
  readonly vips: ReadonlyMap<string, Vip>;
  readonly vipGroups: ReadonlyMap<string, Entry>;
  /** The VIPs that translate traffic in this VDOM, each with what it translates (earlier VIPs taken out). */
  readonly grabs: ReadonlyMap<Vip, readonly HeaderSpace[]>;
  readonly centralNat: boolean;
  /** Whether a deny policy without `set match-vip` matches VIP traffic; undefined when the version does not say. */
  readonly matchVipDefault: boolean | undefined;
  readonly report: Report;
}

/** Settings that narrow a policy by something outside the flow: the policy may match less than its addresses say. */
const NARROWING: readonly (readonly [string, string])[] = [
  ['groups', 'applies only to users authenticated into groups'],
  ['users', 'applies only to authenticated users'],
  ['fsso-groups', 'applies only to FSSO user groups'],
  ['src-vendor-mac', 'applies only to devices of some vendors (MAC address)'],
  ['application', 'matches applications (NGFW policy-based mode)'],
  ['app-category', 'matches application categories'],
  ['app-group', 'matches application groups'],
  ['url-category', 'matches URL categories'],
  ['ztna-ems-tag', 'applies only to ZTNA-tagged endpoints'],
  ['vlan-filter', 'applies only to some VLANs'],
];

/** Shared by every rule that has them: 100,000 rules need not carry 100,000 copies. */
const PERMIT: RuleAction = { type: 'permit' };
const DENY: RuleAction = { type: 'deny' };
const REJECT: RuleAction = { type: 'deny', reject: true };
const NONE: readonly string[] = [];

/** Every setting a policy conversion reads: the others (uuid, logging, security profiles) are never looked at. */
const POLICY_KEYS: readonly string[] = [
  ...new Set([
    ...[POLICY, POLICY6, LOCAL_IN, LOCAL_IN6].flatMap((k) => [k.inKey, ...(k.outKey ? [k.outKey] : []), ...k.families.flatMap(([, src, dst]) => [src, dst, `${src}-negate`, `${dst}-negate`])]),
    ...NARROWING.map(([key]) => key),
    ...['action', 'status', 'name', 'comments', 'schedule', 'service', 'service-negate', 'send-deny-packet', 'match-vip', 'nat', 'ippool', 'poolname'],
    ...['internet-service', 'internet-service-src', 'internet-service6', 'internet-service6-src', 'ztna-status', 'policy-expiry', 'policy-expiry-date', 'tos', 'tos-mask'],
  ]),
];

/** Whether a deny policy without `set match-vip` matches VIP traffic: the default changed to enable in FortiOS 7.2.4. */
export function matchVipDefault(version: Version | undefined): boolean | undefined {
  if (!version) return undefined;
  const v = version.major * 10000 + version.minor * 100 + version.patch;
  return v >= 70204 ? true : v < 70203 ? false : undefined;
}

/** The rules of one policy, and its source NAT settings when it translates (`set nat enable`). */
export interface ConvertedPolicy {
  /** One rule; two when whether a deny policy applies to VIP traffic is unknown (its VIP part is then a second, uncertain rule right after the first). */
  readonly rules: Rule[];
  /** `set nat enable` on an accepting policy, with its IP pools (`set ippool enable`, `set poolname`). */
  readonly nat?: { readonly setting: Setting; readonly pools: readonly string[] };
}

export function policyRules(entry: Entry, kind: PolicyKind, ctx: PolicyContext): ConvertedPolicy {
  const id = `${kind.id}/${entry.name}`;
  const f = fieldsFor(entry, POLICY_KEYS);
  const actionName = f.value('action') ?? 'deny';
  const action = ruleAction(f, entry.line, actionName, id, ctx);
  const inTest = interfaceTest(ctx.interfaces, f.values(kind.inKey));
  const outTest = kind.outKey ? interfaceTest(ctx.interfaces, f.values(kind.outKey)) : undefined;
  const policyReasons = narrowing(f);
  const service = serviceBounds(f, entry.line, ctx);
  const matchVip = actionName === 'deny' && kind.vips && !ctx.centralNat ? matchVipOf(f, ctx) : false;

  // What the policy certainly matches is needed only when something about it is uncertain (boundsDiffer below):
  // each piece is worked out then, not for the 100,000 policies the export says exactly.
  const certainParts: (() => readonly HeaderSpace[])[] = [];
  const possible: HeaderSpace[] = [];
  const vipTraffic: HeaderSpace[] = [];
  let reasons: readonly string[] = service.reasons;
  for (const [family, srcKey, dstKey] of kind.families) {
    const srcNames = f.values(srcKey);
    const dstNames = f.values(dstKey);
    if (srcNames.length === 0 && dstNames.length === 0) continue;
    const src = sourceBounds(f, entry.line, family, srcNames, srcKey, ctx);
    const { addresses, vips, unresolved } = splitDestinations(dstNames, family, kind, ctx);
    const dst = destinationBounds(f, entry.line, family, addresses, dstKey, ctx, vips.length > 0);
    reasons = mergeReasons(reasons, mergeReasons(src.reasons, dst.reasons));
    const regularCertain = () => product(src.certain, dst.certain, service.certain);
    const regularPossible = product(src.possible, dst.possible, service.possible);
    if (family === 'ipv4' && ctx.grabs.size > 0) {
      const { grabs, partial, reason } = applicableGrabs(ctx, inTest);
      if (reason) reasons = mergeReasons(reasons, [reason]);
      certainParts.push(() => subtractFlows(regularCertain(), [...grabs, ...partial]));
      possible.push(...subtractFlows(regularPossible, grabs));
      if (matchVip !== false) {
        for (const [vip, grab] of ctx.grabs) vipTraffic.push(...intersectFlows(vipPreimage(vip, regularPossible), grab));
      }
    } else {
      certainParts.push(regularCertain);
      possible.push(...regularPossible);
    }
    for (const vip of vips) {
      const grab = ctx.grabs.get(vip);
      if (!grab) continue; // a disabled VIP translates nothing
      const mapped = vip.mappedAddresses ?? AddressSet.any('ipv4');
      possible.push(...intersectFlows(vipPreimage(vip, product(src.possible, mapped, service.possible)), grab));
      if (vip.reasons.length > 0) reasons = mergeReasons(reasons, vip.reasons);
      else certainParts.push(() => intersectFlows(vipPreimage(vip, product(src.certain, mapped, service.certain)), grab));
    }
    if (unresolved.length > 0) {
      // An unknown VIP may publish any external address: the policy may also match traffic to any of them.
      possible.push(...product(src.possible, AddressSet.any('ipv4'), service.possible));
      reasons = mergeReasons(reasons, unresolved);
    }
  }
  if (matchVip === true) possible.push(...vipTraffic);
  if (matchVip === true && reasons.length === 0) certainParts.push(() => vipTraffic);

  const certain = reasons.length > 0 ? certainParts.flatMap((part) => part()) : possible;
  const extra = certain === possible ? [] : subtractFlows(possible, certain);
  const boundsDiffer = extra.length > 0;
  const uncertain = policyReasons.length === 0 && !boundsDiffer ? NONE : [...policyReasons, ...(boundsDiffer ? reasons : [])];
  // Objects resolved at run time (FQDN, geography, dynamic) leave what the policy certainly matches exact and add
  // flows it may also match; a narrowing setting (schedule, users) makes the whole match doubtful.
  const split = boundsDiffer && policyReasons.length === 0;
  const rule = (ruleId: string, flows: HeaderSpace[], why: readonly string[], possibleFlows?: HeaderSpace[]): Rule => {
    for (const reason of why) ctx.report(entry.line, 'warning', `${ruleId}: ${reason}`);
    return {
      id: ruleId,
      action,
      // An exact-size copy: `flows` grew by `push`, which leaves room for many more spaces in each of 100,000 rules.
      match: {
        flows: flows.slice(),
        ...(possibleFlows ? { possibleFlows } : {}),
        ...(inTest ? { inInterface: inTest } : {}),
        ...(outTest ? { outInterface: outTest } : {}),
      },
      enabled: f.value('status') !== 'disable',
      uncertain: why,
      ...(f.value('name') !== undefined ? { name: f.value('name') } : {}),
      ...(f.value('comments') !== undefined ? { comment: f.value('comments') } : {}),
      origin: ctx.origins.ofNode(entry),
    };
  };
  const rules = [split ? rule(id, certain, uncertain, extra) : rule(id, possible, uncertain)];
  const natSetting = f.setting('nat');
  const nat = action.type === 'permit' && natSetting?.values[0] === 'enable' ? { nat: { setting: natSetting, pools: f.value('ippool') === 'enable' ? f.values('poolname') : [] } } : {};
  const vipOnly = subtractFlows(vipTraffic, possible);
  if (matchVip === undefined && vipOnly.length > 0) {
    rules.push(
      rule(`${id}/vip-traffic`, vipOnly, [
        ...uncertain,
        `whether this deny policy also blocks traffic to VIPs depends on match-vip, whose default changed to enable in FortiOS 7.2.4 (the export ${ctx.matchVipDefault === undefined ? 'does not say which version it is from' : 'is from 7.2.3'})`,
      ]),
    );
  }
  return { rules, ...nat };
}

function ruleAction(f: Fields, line: number, name: string, id: string, ctx: PolicyContext): RuleAction {
  switch (name) {
    case 'accept':
      return PERMIT;
    case 'deny':
      return f.value('send-deny-packet') === 'enable' ? REJECT : DENY;
    case 'ipsec':
      ctx.report(line, 'info', `${id}: action ipsec (policy-based IPsec VPN) is read as accept; what the tunnel encrypts is not audited`);
      return PERMIT;
    default:
      return { type: 'unknown', target: `action ${name}` };
  }
}

function narrowing(f: Fields): string[] {
  const out: string[] = [];
  const schedule = f.value('schedule');
  if (schedule !== undefined && schedule !== 'always') out.push(`schedule "${schedule}": the policy applies only at some times`);
  for (const [key, why] of NARROWING) if (f.values(key).length > 0) out.push(`${key} ${f.values(key).join(' ')}: ${why}`);
  if (f.value('ztna-status') === 'enable') out.push('ztna-status enable: applies only to ZTNA-verified endpoints');
  if (f.value('policy-expiry') === 'enable') out.push(`policy-expiry enable: the policy stops applying at ${f.value('policy-expiry-date') ?? 'a date'}`);
  const tosMask = f.value('tos-mask');
  if (tosMask !== undefined && !/^0x0*$/.test(tosMask)) out.push(`tos ${f.value('tos') ?? ''}/${tosMask}: matches only some type-of-service values`);
  return out;
}

function serviceBounds(f: Fields, line: number, ctx: PolicyContext): ServiceBounds {
  const names = f.values('service');
  if (names.length === 0 && (internetService(f, 'ipv4', '') || internetService(f, 'ipv6', ''))) {
    return { certain: [], possible: [headerSpace({})], reasons: ['its services come from the Internet Service Database'] };
  }
  return ctx.services.resolveAll(names, line, f.value('service-negate') === 'enable');
}

/** `set internet-service enable` (destinations) / `internet-service-src` (sources); `internet-service6…` for IPv6. */
function internetService(f: Fields, family: Family, side: '' | '-src'): boolean {
  return f.value(`${family === 'ipv4' ? 'internet-service' : 'internet-service6'}${side}`) === 'enable';
}

function sourceBounds(f: Fields, line: number, family: Family, names: readonly string[], key: string, ctx: PolicyContext): Bounds {
  if (internetService(f, family, '-src')) return unknown(family, 'its sources are Internet Service Database entries, which FortiGuard updates');
  return ctx.addresses.resolveAll(names, family, line, negated(f, key));
}

function destinationBounds(f: Fields, line: number, family: Family, names: readonly string[], key: string, ctx: PolicyContext, hasVips: boolean): Bounds {
  if (internetService(f, family, '')) return unknown(family, 'its destinations are Internet Service Database entries, which FortiGuard updates');
  if (hasVips && negated(f, key)) return unknown(family, 'it negates destinations that include VIPs');
  return ctx.addresses.resolveAll(names, family, line, negated(f, key));
}

/** `srcaddr-negate`, `dstaddr-negate`; for IPv6 fields `srcaddr6-negate` when printed, else the IPv4 one. */
function negated(f: Fields, key: string): boolean {
  return (f.value(`${key}-negate`) ?? f.value(`${key.replace('6', '')}-negate`)) === 'enable';
}

/** Destination names that are VIPs (or VIP groups, expanded), and the others. In central NAT, VIPs are never named. */
function splitDestinations(names: readonly string[], family: Family, kind: PolicyKind, ctx: PolicyContext): { addresses: string[]; vips: Vip[]; unresolved: string[] } {
  const addresses: string[] = [];
  const vips: Vip[] = [];
  const unresolved: string[] = [];
  for (const n of names) {
    const group = ctx.vipGroups.get(n);
    const vip = ctx.vips.get(n);
    if (!kind.vips || family !== 'ipv4' || ctx.centralNat || (!group && !vip)) addresses.push(n);
    else if (vip) vips.push(vip);
    else {
      const members = vipGroupMembers(group!, ctx.vips);
      vips.push(...members.vips);
      unresolved.push(...members.unresolved);
    }
  }
  return { addresses, vips, unresolved };
}

interface Grabs {
  /** VIP traffic on every source interface of the policy: never matched by it. */
  readonly grabs: HeaderSpace[];
  /** VIP traffic on some of them only (`srcintf-filter`): matched or not depending on the interface it arrives on. */
  readonly partial: HeaderSpace[];
  readonly reason?: string;
}

const applicable = new WeakMap<PolicyContext, Map<InterfaceMatch | undefined, Grabs>>();

/**
 * The VIP traffic a non-VIP policy does not see: what every VIP listening on the policy's source interfaces
 * translates. Worked out once per interface test, with VIPs that translate the same protocols and ports merged into
 * one space: a policy to "all" from the Internet side then loses a few spaces, not one per published server.
 */
function applicableGrabs(ctx: PolicyContext, inTest: InterfaceMatch | undefined): Grabs {
  let byTest = applicable.get(ctx);
  if (!byTest) applicable.set(ctx, (byTest = new Map()));
  let known = byTest.get(inTest);
  if (!known) {
    const inNames = inTest?.names;
    const grabs: HeaderSpace[] = [];
    const partial: HeaderSpace[] = [];
    let reason: string | undefined;
    for (const [vip, grab] of ctx.grabs) {
      const listen = vip.listenOn;
      if (!listen || (inNames && inNames.every((n) => listen.includes(n)))) grabs.push(...grab);
      else if (!inNames || inNames.some((n) => listen.includes(n))) {
        partial.push(...grab);
        reason = `VIP "${vip.name}" translates traffic to its address on only some of the policy's source interfaces`;
      }
    }
    known = { grabs: mergeAlong(grabs, 'dst'), partial: mergeAlong(partial, 'dst'), ...(reason ? { reason } : {}) };
    byTest.set(inTest, known);
  }
  return known;
}

function matchVipOf(f: Fields, ctx: PolicyContext): boolean | undefined {
  const set = f.value('match-vip');
  return set === undefined ? ctx.matchVipDefault : set === 'enable';
}

function product(src: AddressSet, dst: AddressSet, service: readonly HeaderSpace[]): HeaderSpace[] {
  if (src.isEmpty() || dst.isEmpty()) return [];
  const out: HeaderSpace[] = [];
  for (const h of service) {
    // A service space carries any address of both families; the policy's addresses decide the family.
    out.push({ src, dst, proto: h.proto, sport: h.sport, dport: h.dport });
  }
  return out;
}
