import { AddressSet } from '../model/address-set.js';
import { Ports, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, Hook, InterfaceMatch, Origin, Rule } from '../model/rule-graph.js';
import { ZONES, type Zone } from '../model/zone.js';
import { byCodePoints } from '../model/order.js';
import { translation } from '../engine/nat.js';
import type { DeviceRole, Placement } from '../engine/topology.js';
import type { Feature, PackRule, PolicyPack } from '../policy/pack.js';
import { checkProfileRoles, type LoadedProfile } from '../profile/site-profile.js';
import { tcpOrUdp, type FlowEnd } from './flow-query.js';
import { portSet } from './requirements.js';
import { defineInternet, type InternetDefinition } from './internet.js';
import { nonPublicRanges } from '../policy/address-registry.js';

export const DEFAULT_PACKS = ['lync2013-xmpp-federation', 'lync2013-sip-federation-public-im'];
const FEATURES: readonly Feature[] = ['xmppFederation', 'sipFederation', 'publicIm', 'remoteUsers'];

/** Something edge-audit decided on its own because the profile did not say, and the lines it read to decide. */
export interface Inference {
  readonly field: string;
  readonly value: string;
  readonly reason: string;
  readonly evidence: readonly Origin[];
}

/** Everything the checks need to know about one audited device and its site. */
export interface AuditContext {
  readonly device: Device;
  readonly placement: Placement;
  readonly roles: ReadonlyMap<string, AddressSet>;
  /** Each role's zone, from the packs' role declarations. */
  readonly roleZones: ReadonlyMap<string, Zone>;
  readonly features: Readonly<Record<Feature, boolean>>;
  /** The hosts outside the organisation: what the documentation's "Any" on the external rows stands for. */
  readonly internet: InternetDefinition;
  readonly packs: readonly PolicyPack[];
  readonly profileFile?: string;
  readonly inferences: readonly Inference[];
}

export class ContextError extends Error {}

/**
 * Combines the site profile (when there is one) with what the configuration itself shows. Every value the
 * profile leaves open is inferred from the rules, and each inference is recorded with the lines it came from.
 */
export function buildContext(device: Device, profile: LoadedProfile | undefined, allPacks: readonly PolicyPack[], packIds?: readonly string[]): AuditContext {
  const inferences: Inference[] = [];
  const p = profile?.profile;

  const wanted = packIds && packIds.length > 0 ? packIds : (p?.packs ?? DEFAULT_PACKS);
  const packs = wanted.map((id) => {
    const pack = allPacks.find((k) => k.id === id);
    if (!pack) throw new ContextError(`unknown policy pack "${id}" (known: ${allPacks.map((k) => k.id).join(', ')})`);
    return pack;
  });
  const roleZones = new Map<string, Zone>();
  for (const pack of packs) for (const role of pack.roles) roleZones.set(role.id, role.zone);
  if (profile) checkProfileRoles(profile, [...roleZones.keys()]);

  // Read once, and only when something is left to infer: a 100,000-rule export has many permit rules.
  const onHook = hookPermits(device);
  const deviceRole = p?.deviceRole ?? inferDeviceRole(device, onHook, edgeFlows(packs, roleZones, profile?.roles), inferences);
  const roles = new Map(profile?.roles ?? []);
  let permits: Rule[] | undefined;
  const rules = () => (permits ??= permitRules(device));
  inferRoles(() => onHook(towardEdge(deviceRole)), roles, inferences);
  const interfaces = new Map<string, Zone>(ownInterfaces(device, p?.interfaces ?? {}));
  if (interfaces.size === 0) {
    // Routes say where addresses are; the rules only hint at it. Rules fill in what routes leave open.
    inferInterfacesFromRoutes(device, roles, roleZones, inferences).forEach((z, name) => interfaces.set(name, z));
    const routed = new Set(interfaces.values());
    inferInterfaces(rules(), deviceRole, inferences, (name, zone) => !interfaces.has(name) && !routed.has(zone)).forEach((z, name) => interfaces.set(name, z));
  }
  const features = { ...inferFeatures(onHook, packs, roleZones, deviceRole, p?.features ?? {}, inferences), ...(p?.features ?? {}) } as Record<Feature, boolean>;
  const internet = defineInternet({ device, interfaces, roles, roleZones, nonPublic: nonPublicRanges(), ...(profile?.internalNetworks ? { internalNetworks: profile.internalNetworks } : {}) });

  return {
    device,
    placement: { deviceRole, interfaces },
    roles,
    roleZones,
    features,
    internet,
    packs,
    ...(profile ? { profileFile: profile.file } : {}),
    inferences,
  };
}

/**
 * The profile's interfaces that belong to this rule set. One site profile covers every VDOM of a FortiGate, and
 * each VDOM owns only some of the interfaces: the others are not on its paths at all.
 */
function ownInterfaces(device: Device, given: Readonly<Record<string, Zone>>): [string, Zone][] {
  const entries = Object.entries(given);
  if (device.partition?.kind !== 'vdom') return entries;
  const own = new Set(device.interfaces.map((i) => i.name));
  return entries.filter(([name]) => own.has(name));
}

/**
 * The flow end for a role: its zone from the packs, its addresses from the profile or inference (absent = any host
 * there). An Internet role the profile gives no addresses for is every Internet host.
 */
export function roleEnd(ctx: AuditContext, role: string): FlowEnd {
  const zone = ctx.roleZones.get(role);
  if (!zone) throw new ContextError(`role "${role}" is not declared by any selected pack`);
  const addresses = ctx.roles.get(role);
  if (!addresses && zone === 'internet') return internetEnd(ctx, role);
  return { role, zone, ...(addresses ? { addresses } : {}) };
}

/** Every host of the Internet as this audit defines it (ctx.internet), as a flow end. */
export function internetEnd(ctx: AuditContext, role = 'internet'): FlowEnd {
  return { role, zone: 'internet', addresses: ctx.internet.addresses, wholeInternet: true };
}

/** All permit rules of the device with the flows they match, in file order. */
function permitRules(device: Device): Rule[] {
  return permitsOf([...device.filters.values()].flatMap((f) => f.rules));
}

/**
 * The rules that let new connections through, in file order. A device's own management services (FortiGate https
 * on 443) say nothing about where the Edge is or what the device is: they are left out.
 */
function permitsOf(rules: readonly Rule[]): Rule[] {
  return rules
    .filter((r) => r.enabled && r.action.type === 'permit' && !r.deviceService && (!r.match.states || r.match.states.includes('new')))
    .sort((a, b) => a.origin.line - b.origin.line);
}

/** The permit rules on each hook, each hook read once and only when asked. */
function hookPermits(device: Device): (hook: Hook) => Rule[] {
  const cache = new Map<Hook, Rule[]>();
  return (hook) => {
    let rules = cache.get(hook);
    if (!rules) cache.set(hook, (rules = permitsOf(rulesOnHook(device, hook))));
    return rules;
  };
}

/**
 * The enabled rules that flows of one hook meet: those of the filters attached there and of every filter they call
 * or go to (iptables user chains), each filter once. A user chain's rules have no hook of their own.
 */
function rulesOnHook(device: Device, hook: Hook): Rule[] {
  const seen = new Set<string>();
  const out: Rule[] = [];
  const visit = (filter: Filter | undefined) => {
    if (!filter || seen.has(filter.id)) return;
    seen.add(filter.id);
    for (const rule of filter.rules) {
      if (!rule.enabled) continue;
      out.push(rule);
      if (rule.action.type === 'call' || rule.action.type === 'goto') visit(device.filters.get(rule.action.filter));
    }
  };
  for (const filter of device.filters.values()) if (filter.attachment?.hooks.includes(hook)) visit(filter);
  return out;
}

/** Where flows toward the Edge meet the device's rules: on an Edge host they are to the device itself, else through it. */
const towardEdge = (role: DeviceRole): Hook => (role === 'edge-host' ? 'input' : 'forward');
const fromEdge = (role: DeviceRole): Hook => (role === 'edge-host' ? 'output' : 'forward');

const EDGE_ZONES: readonly Zone[] = ['edge-external', 'edge-internal'];

function tcpPortsOf(h: HeaderSpace, ports: readonly number[]): boolean {
  return h.proto.has(6n) && !h.dport.isFull() && ports.some((p) => h.dport.has(BigInt(p)));
}

/** Whether a rule's flows carry a documented row's protocol and ports: a port list, not "any port". */
function carriesRow(h: HeaderSpace, row: Pick<PackRule, 'protocol' | 'ports'>): boolean {
  return !h.dport.isFull() && h.proto.overlaps(tcpOrUdp(row.protocol)) && h.dport.overlaps(portSet(row.ports));
}

const origins = (rules: readonly Rule[]): Origin[] => rules.map((r) => r.origin);

/** How many lines of evidence an inference lists: enough to find the rules, few enough to read. */
const MAX_INFERENCE_EVIDENCE = 5;

/** What marks a flow as one to the Edge: a port the packs document toward an Edge role, or an Edge address the profile gives. */
interface EdgeFlows {
  readonly rows: readonly Pick<PackRule, 'protocol' | 'ports'>[];
  readonly addresses: AddressSet;
}

function edgeFlows(packs: readonly PolicyPack[], roleZones: ReadonlyMap<string, Zone>, given: ReadonlyMap<string, AddressSet> | undefined): EdgeFlows {
  const edgeRole = (role: string) => EDGE_ZONES.includes(roleZones.get(role)!);
  const rows = packs.flatMap((p) => p.rules).filter((r) => edgeRole(r.to));
  const addresses = [...(given ?? [])].filter(([role]) => edgeRole(role)).reduce((a, [, set]) => a.union(set), AddressSet.NONE);
  return { rows, addresses };
}

function opensEdge(rule: Rule, edge: EdgeFlows): boolean {
  return rule.match.flows.some((h) => edge.rows.some((row) => carriesRow(h, row)) || (!h.dst.isAnyOfItsFamilies() && h.dst.overlaps(edge.addresses)));
}

/**
 * An appliance (ASA, FortiGate) is a network firewall. An Edge host's own firewall opens the Edge's documented ports to the device itself (input); a network firewall in
 * front of the Edge opens them through itself (forward). The side with more such rules decides; a tie goes to the
 * forward side, since an Edge server does not route. Without such rules, rules that let forwarded traffic through, or
 * a routing table of its own (connected networks and routes), make a network firewall; a default
 * policy alone forwards nothing (an Edge host's `:FORWARD DROP` says nothing).
 */
function inferDeviceRole(device: Device, onHook: (hook: Hook) => Rule[], edge: EdgeFlows, inferences: Inference[]): DeviceRole {
  if (device.appliance) {
    inferences.push({ field: 'deviceRole', value: 'network-firewall', reason: `a ${device.vendor} configuration is a network firewall appliance, never an Edge server's own host firewall`, evidence: [] });
    return 'network-firewall';
  }
  const routes = device.routes ?? [];
  const input = onHook('input');
  const forward = onHook('forward');
  const toHost = input.filter((r) => opensEdge(r, edge));
  const through = forward.filter((r) => opensEdge(r, edge));
  const counts = `${toHost.length} rule(s) to the device itself and ${through.length} forwarding rule(s) permit the Edge's documented ports or addresses`;
  const [role, reason, evidence]: [DeviceRole, string, Origin[]] =
    toHost.length > through.length
      ? ['edge-host', `${counts}, so it is read as the Edge server's own host firewall`, origins(toHost)]
      : through.length > 0
        ? ['network-firewall', `${counts}, so it is read as a network firewall that passes the Edge's traffic`, origins(through)]
        : forward.length > 0
          ? ['network-firewall', 'the configuration permits forwarded traffic and no rule opens the Edge\'s documented ports or addresses, so it is read as a network firewall', origins(forward)]
          : routes.length > 0
            ? ['network-firewall', 'no rule opens the Edge\'s documented ports or addresses, and the device has a routing table of its own (connected networks, routes), so it is read as a network firewall', routes.map((r) => r.origin)]
            : ['edge-host', 'no rule permits forwarded traffic (a default policy alone forwards nothing), so it is read as the Edge server\'s own host firewall', []];
  inferences.push({ field: 'deviceRole', value: role, reason, evidence: evidence.slice(0, MAX_INFERENCE_EVIDENCE) });
  return role;
}

/**
 * Roles the profile does not give, read from the addresses of the rules that open the Edge's documented ports.
 * `rules` are only those toward the Edge (into an Edge host, through a network firewall): the destination of an
 * outbound rule to a cloud service on 443 is not the Access Edge.
 */
function inferRoles(rules: () => Rule[], roles: Map<string, AddressSet>, inferences: Inference[]): void {
  const guesses: { role: string; ports: number[]; side: 'src' | 'dst' }[] = [
    { role: 'access-edge', ports: [5061, 5269, 443], side: 'dst' },
    { role: 'edge-internal', ports: [23456, 4443, 5062, 8057], side: 'dst' },
    { role: 'front-end', ports: [23456], side: 'src' },
  ];
  for (const { role, ports, side } of guesses) {
    if (roles.has(role)) continue;
    let found = AddressSet.NONE;
    const evidence: Origin[] = [];
    for (const rule of rules()) {
      for (const h of rule.match.flows) {
        const addr = h[side];
        if (!tcpPortsOf(h, ports) || addr.isAnyOfItsFamilies()) continue;
        // The Access Edge is what any Internet host may reach; 5061 from a known source is the internal side's.
        if (role === 'access-edge' && !h.src.isAnyOfItsFamilies()) continue;
        found = found.union(addr);
        evidence.push(rule.origin);
      }
    }
    if (found.isEmpty()) continue;
    roles.set(role, found);
    const reason = `${side === 'dst' ? 'destination' : 'source'} of the rules that permit TCP ${ports.join('/')}`;
    inferences.push({ field: `roles.${role}`, value: found.toStrings().join(', '), reason, evidence });
  }
}

/**
 * Interfaces read from the rules that carry the documented flows: the interface where Internet partners'
 * 5061/5269 arrive faces the Internet (or, on an Edge host, is its external NIC); the one where 23456 arrives
 * faces the internal network (or is the Edge's internal NIC).
 */
/** The one interface a test names, if it names exactly one (not negated, not a list, zone or wildcard). */
function onlyInterface(m: InterfaceMatch | undefined): string | undefined {
  return m && !m.negated && !m.otherWithPrefix && m.names.length === 1 ? m.names[0] : undefined;
}

function inferInterfaces(rules: readonly Rule[], deviceRole: DeviceRole, inferences: Inference[], wanted: (name: string, zone: Zone) => boolean = () => true): Map<string, Zone> {
  const found = new Map<string, { zone: Zone; evidence: Origin[] }>();
  const note = (name: string | undefined, zone: Zone, origin: Origin) => {
    if (!name || name.endsWith('+')) return;
    const known = found.get(name);
    if (!known) found.set(name, { zone, evidence: [origin] });
    else if (known.zone === zone) known.evidence.push(origin);
  };
  const host = deviceRole === 'edge-host';
  for (const rule of rules) {
    const i = onlyInterface(rule.match.inInterface);
    const o = onlyInterface(rule.match.outInterface);
    for (const h of rule.match.flows) {
      if (tcpPortsOf(h, [23456])) {
        note(i, host ? 'edge-internal' : 'internal', rule.origin);
        note(o, 'edge-internal', rule.origin);
      } else if (tcpPortsOf(h, [5269, 5061, 443]) && h.src.isAnyOfItsFamilies()) {
        note(i, host ? 'edge-external' : 'internet', rule.origin);
        note(o, 'edge-external', rule.origin);
      }
    }
  }
  const out = new Map<string, Zone>();
  for (const [name, { zone, evidence }] of [...found].sort(([a], [b]) => byCodePoints(a, b))) {
    if (!wanted(name, zone)) continue;
    out.set(name, zone);
    inferences.push({ field: `interfaces.${name}`, value: zone, reason: 'interface of the rules that carry the documented flows from that side', evidence });
  }
  return out;
}

/**
 * A feature counts as deployed when a rule permits one of the flows the packs document for it, on the side of the
 * device that flow uses: into an Edge host for a row toward the Edge, out of it for a row from the Edge, through a
 * network firewall. An outbound TCP 443 rule to a cloud service says nothing about remote users. Said so in the report.
 */
function inferFeatures(
  onHook: (hook: Hook) => Rule[],
  packs: readonly PolicyPack[],
  roleZones: ReadonlyMap<string, Zone>,
  deviceRole: DeviceRole,
  given: Partial<Record<Feature, boolean>>,
  inferences: Inference[],
): Record<Feature, boolean> {
  const out = {} as Record<Feature, boolean>;
  const hookOf = (row: PackRule): Hook => (EDGE_ZONES.includes(roleZones.get(row.to)!) ? towardEdge(deviceRole) : EDGE_ZONES.includes(roleZones.get(row.from)!) ? fromEdge(deviceRole) : 'forward');
  for (const feature of FEATURES) {
    if (given[feature] !== undefined) continue;
    if (feature === 'publicIm') {
      out[feature] = false;
      inferences.push({ field: `features.${feature}`, value: 'false', reason: 'public IM connectivity (Windows Live Messenger) ended on 2013-03-15, so it is off unless the profile says otherwise', evidence: [] });
      continue;
    }
    const rows = uniqueRows(packs.flatMap((p) => p.rules).filter((r) => !r.obsoleteSince && r.condition?.features.includes(feature)));
    const found = rows.map((row) => ({ row, rules: onHook(hookOf(row)).filter((rule) => rule.match.flows.some((h) => carriesRow(h, row))) }));
    const evidence = [...new Set(found.flatMap((f) => f.rules))].sort((a, b) => a.origin.line - b.origin.line).map((r) => r.origin);
    const describe = (rs: typeof found) => rs.map(({ row }) => `${row.protocol.toUpperCase()} ${Ports.format(portSet(row.ports))} ${row.from} → ${row.to}`).join(', ');
    const open = found.filter((f) => f.rules.length > 0);
    out[feature] = open.length > 0;
    inferences.push({
      field: `features.${feature}`,
      value: String(out[feature]),
      reason: out[feature] ? `rules permit its documented flows ${describe(open)}` : `no rule permits any of its documented flows (${describe(found) || 'the selected packs document none'})`,
      evidence: evidence.slice(0, MAX_INFERENCE_EVIDENCE),
    });
  }
  return out;
}

/** Rows that several packs repeat (the XMPP rows), once. */
function uniqueRows(rows: readonly PackRule[]): PackRule[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = JSON.stringify([r.protocol, r.ports, r.from, r.to]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Interfaces placed by the device's routing table: the interface whose most specific route (connected network or
 * static route) holds a role's addresses faces that role's zone, and the default route's interface faces the
 * Internet. A role named by a published address is looked up by the real address its NAT rule translates it to,
 * because that is where the device routes it. The first zone to claim an interface keeps it.
 */
export function inferInterfacesFromRoutes(device: Device, roles: ReadonlyMap<string, AddressSet>, roleZones: ReadonlyMap<string, Zone>, inferences: Inference[]): Map<string, Zone> {
  const out = new Map<string, Zone>();
  const routes = device.routes ?? [];
  if (routes.length === 0) return out;
  const claim = (name: string, zone: Zone, reason: string, evidence: Origin[]) => {
    if (out.has(name)) return;
    out.set(name, zone);
    inferences.push({ field: `interfaces.${name}`, value: zone, reason, evidence });
  };
  const byZone = [...roles].filter(([role]) => roleZones.has(role) && roleZones.get(role) !== 'internet').sort(([a], [b]) => ZONES.indexOf(roleZones.get(a)!) - ZONES.indexOf(roleZones.get(b)!));
  for (const [role, published] of byZone) {
    const real = realAddresses(device, published);
    const route = routes
      .filter((r) => !r.destination.isAnyOfItsFamilies() && real.isSubsetOf(r.destination))
      .sort((a, b) => compareBig(addressCount(a.destination), addressCount(b.destination)))[0];
    if (route) claim(route.interface, roleZones.get(role)!, `the ${route.connected ? 'connected network' : 'route'} that holds the addresses of ${role}`, [route.origin]);
  }
  for (const route of routes.filter((r) => r.destination.isAnyOfItsFamilies())) {
    claim(route.interface, 'internet', 'the interface of the default route', [route.origin]);
  }
  return out;
}

const addressCount = (a: AddressSet): bigint => a.v4.size() + a.v6.size();
const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The addresses the device delivers to for these (possibly published) addresses: translated by destination NAT. */
function realAddresses(device: Device, addresses: AddressSet): AddressSet {
  let out = addresses;
  for (const nat of device.nat) {
    if (nat.kind !== 'destination' || !nat.enabled || !nat.toAddresses) continue;
    const matched = nat.match.flows.reduce((a, h) => a.union(h.dst), AddressSet.NONE);
    const part = out.intersect(matched);
    if (part.isEmpty()) continue;
    out = out.subtract(part).union(translation(nat).forward({ ...nat.match.flows[0]!, dst: part }).dst);
  }
  return out;
}
