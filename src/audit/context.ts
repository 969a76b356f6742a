import { AddressSet } from '../model/address-set.js';
import type { HeaderSpace } from '../model/header-space.js';
import type { Device, InterfaceMatch, Origin, Rule } from '../model/rule-graph.js';
import { ZONES, type Zone } from '../model/zone.js';
import { translation } from '../engine/nat.js';
import type { DeviceRole, Placement } from '../engine/topology.js';
import type { Feature, PolicyPack } from '../policy/pack.js';
import type { LoadedProfile } from '../profile/site-profile.js';
import type { FlowEnd } from './flow-query.js';
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

  const deviceRole = p?.deviceRole ?? inferDeviceRole(device, inferences);
  const roles = new Map(profile?.roles ?? []);
  // Read once, and only when something is left to infer: a 100,000-rule export has many permit rules.
  let permits: Rule[] | undefined;
  const rules = () => (permits ??= permitRules(device));
  inferRoles(rules, roles, inferences);
  const interfaces = new Map<string, Zone>(ownInterfaces(device, p?.interfaces ?? {}));
  if (interfaces.size === 0) {
    // Routes say where addresses are; the rules only hint at it. Rules fill in what routes leave open.
    inferInterfacesFromRoutes(device, roles, roleZones, inferences).forEach((z, name) => interfaces.set(name, z));
    const routed = new Set(interfaces.values());
    inferInterfaces(rules(), deviceRole, inferences, (name, zone) => !interfaces.has(name) && !routed.has(zone)).forEach((z, name) => interfaces.set(name, z));
  }
  const features = { ...inferFeatures(rules, p?.features ?? {}, inferences), ...(p?.features ?? {}) } as Record<Feature, boolean>;
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
  return [...device.filters.values()]
    .flatMap((f) => f.rules)
    .filter((r) => r.enabled && r.action.type === 'permit' && (!r.match.states || r.match.states.includes('new')))
    .sort((a, b) => a.origin.line - b.origin.line);
}

function tcpPortsOf(h: HeaderSpace, ports: readonly number[]): boolean {
  return h.proto.has(6n) && !h.dport.isFull() && ports.some((p) => h.dport.has(BigInt(p)));
}

/** A forwarding filter that does anything means the device routes traffic: a network firewall. */
function inferDeviceRole(device: Device, inferences: Inference[]): DeviceRole {
  const forward = [...device.filters.values()].filter((f) => f.attachment?.hooks.includes('forward') && (f.rules.length > 0 || f.defaultAction === 'deny'));
  const role: DeviceRole = forward.length > 0 ? 'network-firewall' : 'edge-host';
  const evidence = forward.flatMap((f) => (f.defaultOrigin ? [f.defaultOrigin] : f.rules[0] ? [f.rules[0].origin] : []));
  inferences.push({
    field: 'deviceRole',
    value: role,
    reason: role === 'network-firewall' ? 'the configuration filters forwarded traffic' : 'the configuration filters no forwarded traffic, so it is read as the Edge server\'s own host firewall',
    evidence,
  });
  return role;
}

/** Roles the profile does not give, read from the addresses of the rules that open the Edge's documented ports. */
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
  for (const [name, { zone, evidence }] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    if (!wanted(name, zone)) continue;
    out.set(name, zone);
    inferences.push({ field: `interfaces.${name}`, value: zone, reason: 'interface of the rules that carry the documented flows from that side', evidence });
  }
  return out;
}

/** A feature counts as deployed when the configuration mentions its ports at all; said so in the report. */
function inferFeatures(rules: () => Rule[], given: Partial<Record<Feature, boolean>>, inferences: Inference[]): Record<Feature, boolean> {
  const signals: Record<Feature, number[]> = { xmppFederation: [5269, 23456], sipFederation: [5061], remoteUsers: [443], publicIm: [] };
  const out = {} as Record<Feature, boolean>;
  for (const feature of FEATURES) {
    if (given[feature] !== undefined) continue;
    const ports = signals[feature];
    const evidence = rules().filter((r) => r.match.flows.some((h) => tcpPortsOf(h, ports))).map((r) => r.origin);
    out[feature] = evidence.length > 0;
    inferences.push({
      field: `features.${feature}`,
      value: String(out[feature]),
      reason:
        feature === 'publicIm'
          ? 'public IM connectivity (Windows Live Messenger) ended on 2013-03-15, so it is off unless the profile says otherwise'
          : out[feature]
            ? `the configuration permits TCP ${ports.join('/')}`
            : `no rule permits TCP ${ports.join('/')}`,
      evidence: evidence.slice(0, 5),
    });
  }
  return out;
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
