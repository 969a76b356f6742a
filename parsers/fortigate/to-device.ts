/**
 * The FortiOS vendor model → one Device per VDOM (one Device without partition for a single-VDOM configuration).
 *
 * - `config firewall policy` (+ `policy6`): ONE first-match filter on the forward hook, rules in configuration order,
 *   each with its source and destination interfaces, ending in the implicit deny. Zones with `set intrazone allow`
 *   come first as one permit per zone between its members: FortiOS passes such traffic without a policy.
 * - Traffic to the FortiGate itself meets two filters on the input hook, in FortiOS order. First
 *   `config firewall local-in-policy(6)`, first-match, whose default is permit: a local-in policy only narrows what
 *   reaches the FortiGate's services. Then the services themselves (interfaces' `allowaccess`, management.ts), each
 *   a permit from the sources that may use it on its interface; the rest meets an implicit deny, as nothing else
 *   listens there that edge-audit reads (VPN and routing listeners are not read). A local-in accept opens no
 *   service that `allowaccess` does not enable: hence two filters, each of which must permit, not one list.
 * - Interfaces of the VDOM with their addresses and zone; routes; address translation (nat.ts).
 */
import { basename, extname } from 'node:path';
import type { Device, Diagnostic, Filter, NatRule, NetworkInterface, Rule } from '../../src/model/rule-graph.js';
import { headerSpace } from '../../src/model/header-space.js';
import { AddressSet } from '../../src/model/address-set.js';
import { AddressResolver, type Report } from './addresses.js';
import { interfaceSubnet, readInterfaces, type Interfaces } from './interfaces.js';
import { blocksAt, entriesAt, settingsAt, skippedNote, tableOf, type FortiConfig, type Scope } from './model.js';
import { allowaccessRules } from './management.js';
import { centralSourceNat, destinationNat, policySourceNat, type TranslatingPolicy } from './nat.js';
import { Origins } from './origins.js';
import { LOCAL_IN, LOCAL_IN6, matchVipDefault, POLICY, POLICY6, policyRules, type PolicyContext, type PolicyKind } from './policies.js';
import { routesOf } from './routes.js';
import { ServiceResolver } from './services.js';
import { fieldsFor, settingOf, valueOf, valuesOf, type Entry, type SkippedBlock } from './tree.js';
import { effectiveGrabs, readVip, type Vip } from './vips.js';

export function toDevices(config: FortiConfig, file: string): Device[] {
  const origins = new Origins(file, config.tree.text);
  const host = config.hostname ?? basename(file, extname(file));
  return config.scopes.map((scope) => scopeDevice(config, scope, origins, file, host));
}

function scopeDevice(config: FortiConfig, scope: Scope, origins: Origins, file: string, host: string): Device {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (line, level, message) => diagnostics.push({ line, level, message });
  const { blocks } = scope;
  const interfaces = readInterfaces(blocks, scope.vdom);
  const addresses = new AddressResolver(
    {
      ipv4: { addresses: tableOf(blocks, 'firewall address'), groups: tableOf(blocks, 'firewall addrgrp') },
      ipv6: { addresses: tableOf(blocks, 'firewall address6'), groups: tableOf(blocks, 'firewall addrgrp6') },
    },
    (name, family) => interfaceSubnet(interfaces, name, family),
    report,
  );
  const services = new ServiceResolver({ custom: tableOf(blocks, 'firewall service custom'), groups: tableOf(blocks, 'firewall service group') }, report);
  const centralNat = natMode(blocks, report);
  const policyEntries = entriesAt(blocks, 'firewall policy');
  const vips = readVips(blocks, policyEntries, centralNat, services, interfaces);
  const ctx: PolicyContext = { origins, addresses, services, interfaces, ...vips, centralNat, matchVipDefault: matchVipDefault(config.version), report };

  const forward: Rule[] = intrazoneRules(interfaces, origins);
  const translating: TranslatingPolicy[] = [];
  for (const e of policyEntries) {
    const { rules, nat } = policyRules(e, POLICY, ctx);
    forward.push(...rules);
    if (nat) translating.push({ rule: rules[0]!, entry: e, nat: nat.setting, pools: nat.pools });
  }
  for (const e of entriesAt(blocks, 'firewall policy6')) forward.push(...policyRules(e, POLICY6, ctx).rules);
  const localIn = [...rulesOf(blocks, 'firewall local-in-policy', LOCAL_IN, ctx), ...rulesOf(blocks, 'firewall local-in-policy6', LOCAL_IN6, ctx)];
  const management = { origins, global: settingsAt(blocks, 'system global'), admins: entriesAt(blocks, 'system admin') };
  const allowaccess = interfaces.list.flatMap((i) => allowaccessRules(i, management));
  const filters = policyFilters(blocks, origins, forward, localIn, allowaccess);

  const natCtx = { origins, interfaces, addresses, ippools: tableOf(blocks, 'firewall ippool'), centralNat, report };
  const nat: NatRule[] = [
    ...destinationNat(vips.grabs, natCtx),
    ...(centralNat ? centralSourceNat(entriesAt(blocks, 'firewall central-snat-map'), vips.grabs, natCtx) : policySourceNat(translating, vips.grabs, natCtx)),
  ];
  const routes = routesOf(blocks, interfaces, addresses, origins, report);
  noteSkipped([...config.globalSkipped, ...scope.skipped], report);
  diagnostics.sort((a, b) => a.line - b.line);

  return {
    name: scope.vdom === undefined ? host : `${host} (vdom ${scope.vdom})`,
    vendor: 'fortigate',
    appliance: true,
    file,
    // FortiOS filters both families: IPv6 that no policy permits meets the implicit deny.
    families: ['ipv4', 'ipv6'],
    interfaces: networkInterfaces(interfaces, origins, [...forward, ...localIn], routes.map((r) => r.interface)),
    filters,
    nat,
    routes,
    diagnostics,
    ...(scope.vdom !== undefined ? { partition: { kind: 'vdom' as const, name: scope.vdom } } : {}),
  };
}

/** Whether the VDOM is in central NAT mode; NGFW policy-based mode is reported, its security policies are not read. */
function natMode(blocks: Scope['blocks'], report: Report): boolean {
  const settings = settingsAt(blocks, 'system settings');
  const ngfw = settingOf(settings, 'ngfw-mode');
  if (ngfw?.values[0] === 'policy-based') {
    report(ngfw.line, 'warning', 'NGFW policy-based mode: "config firewall policy" holds only the SSL inspection and authentication policies, and the security policies that also decide are not read');
  }
  return valueOf(settings, 'central-nat') === 'enable';
}

/** The VDOM's VIPs and VIP groups, and what each VIP that translates traffic takes (earlier VIPs first). */
function readVips(blocks: Scope['blocks'], policies: readonly Entry[], centralNat: boolean, services: ServiceResolver, interfaces: Interfaces): Pick<PolicyContext, 'vips' | 'vipGroups' | 'grabs'> {
  const interfaceAddress = (name: string) => interfaces.list.find((i) => i.name === name)?.addresses.find((a) => !a.host.v4.isEmpty())?.host;
  const list = entriesAt(blocks, 'firewall vip').map((e) => readVip(e, { services, interfaceAddress }));
  const vips = new Map(list.map((v) => [v.name, v]));
  const vipGroups = tableOf(blocks, 'firewall vipgrp');
  // Policy-based NAT: a VIP translates only once an enabled policy names it (community.fortinet.com ta-p/350101).
  const active = centralNat ? list.filter((v) => v.enabled) : referencedVips(policies, vips, vipGroups).filter((v) => v.enabled);
  return { vips, vipGroups, grabs: effectiveGrabs(active) };
}

/**
 * The forward filter (always: without policies, everything meets the implicit deny), the local-in one when there is
 * one, and the services of the FortiGate itself when the export has its interfaces (without them, what the FortiGate
 * offers is unknown, not nothing).
 */
function policyFilters(blocks: Scope['blocks'], origins: Origins, forward: readonly Rule[], localIn: readonly Rule[], allowaccess: readonly Rule[]): Map<string, Filter> {
  const header = (...paths: string[]) => {
    const b = paths.map((p) => blocksAt(blocks, p)[0]).find((x) => x !== undefined);
    return b ? { origin: origins.ofHeader(b) } : {};
  };
  const filters = new Map<string, Filter>();
  filters.set('forward', { id: 'forward', name: 'firewall policy', model: 'first-match', rules: forward, defaultAction: 'deny', attachment: { hooks: ['forward'], stage: 10 }, ...header('firewall policy', 'firewall policy6') });
  if (localIn.length > 0) {
    filters.set('local-in', { id: 'local-in', name: 'firewall local-in-policy', model: 'first-match', rules: localIn, defaultAction: 'permit', attachment: { hooks: ['input'], stage: 10 }, ...header('firewall local-in-policy', 'firewall local-in-policy6') });
  }
  if (blocksAt(blocks, 'system interface').length > 0) {
    filters.set('allowaccess', { id: 'allowaccess', name: 'system interface allowaccess', model: 'first-match', rules: allowaccess, defaultAction: 'deny', attachment: { hooks: ['input'], stage: 20 }, ...header('system interface') });
  }
  return filters;
}

function rulesOf(blocks: Scope['blocks'], path: string, kind: PolicyKind, ctx: PolicyContext): Rule[] {
  return entriesAt(blocks, path).flatMap((e) => policyRules(e, kind, ctx).rules);
}

/** The VIPs enabled policies name (directly or through a VIP group), in VIP order. */
function referencedVips(policies: readonly Entry[], vips: ReadonlyMap<string, Vip>, groups: ReadonlyMap<string, Entry>): Vip[] {
  if (vips.size === 0) return [];
  const named = new Set<string>();
  for (const p of policies) {
    const f = fieldsFor(p, ['status', 'dstaddr']);
    if (f.value('status') === 'disable') continue;
    for (const n of f.values('dstaddr')) {
      const group = groups.get(n);
      for (const m of group ? valuesOf(group, 'member') : [n]) named.add(m);
    }
  }
  return [...vips.values()].filter((v) => named.has(v.name));
}

/** One permit per zone with `set intrazone allow`: traffic between its members passes without a policy. */
function intrazoneRules(interfaces: Interfaces, origins: Origins): Rule[] {
  const out: Rule[] = [];
  for (const z of interfaces.zones.values()) {
    if (!z.intrazoneAllow || z.members.length < 2) continue;
    const members = { names: z.members, negated: false };
    out.push({ id: `zone/${z.name}/intrazone`, action: { type: 'permit' }, match: { flows: [headerSpace({})], inInterface: members, outInterface: members }, enabled: true, uncertain: [], origin: origins.ofSetting(z.intrazoneAllow) });
  }
  return out;
}

function networkInterfaces(interfaces: Interfaces, origins: Origins, rules: readonly Rule[], routed: readonly string[]): NetworkInterface[] {
  const out: NetworkInterface[] = interfaces.list.map((i) => {
    const zone = interfaces.zoneOf.get(i.name);
    return {
      name: i.name,
      ...(i.addresses.length > 0 ? { addresses: i.addresses.reduce((acc, a) => acc.union(a.host), AddressSet.NONE) } : {}),
      ...(zone ? { zone } : {}),
      origin: origins.ofHeader(i.entry),
    };
  });
  // Names that policies or routes use without the export defining them (a `show firewall policy` alone, tunnels).
  const known = new Set(out.map((i) => i.name));
  // Policies share their interface tests: each test is looked at once.
  const tests = new Set(rules.flatMap((r) => [r.match.inInterface, r.match.outInterface]));
  for (const name of [...[...tests].flatMap((t) => t?.names ?? []), ...routed]) {
    if (known.has(name)) continue;
    known.add(name);
    out.push({ name });
  }
  return out;
}

/** One diagnostic per skipped block; blocks that only differ by their last words (`system replacemsg …`) share one. */
function noteSkipped(skipped: readonly SkippedBlock[], report: Report): void {
  const groups = new Map<string, SkippedBlock[]>();
  for (const s of skipped) {
    const key = s.path.slice(0, 2).join(' ');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, list] of groups) {
    const { level, why } = skippedNote(list[0]!);
    const what = list.length === 1 ? `"config ${list[0]!.path.join(' ')}"` : `${list.length} "config ${key} …" blocks`;
    report(list[0]!.line, level, `${what} ${list.length === 1 ? 'is' : 'are'} not read: ${why}`);
  }
}
