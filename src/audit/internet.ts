/**
 * What "the Internet" is for one audited device: the hosts outside the organisation. The documentation's "Any" on
 * the external rows means federation partners, remote users and public services; an internal network, the Edge's own
 * addresses or a non-public range is not one of them, and a firewall that keeps such addresses off the external rows
 * (an internal-destination deny before a permit-any, anti-spoofing on the outside leg) is doing its job.
 */
import { AddressSet } from '../model/address-set.js';
import type { Device, NatRule, Origin } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import type { AddressRegistry } from '../policy/address-registry.js';

/** One kind of address that is not the Internet, with where edge-audit learned it. */
export interface InternetExclusion {
  readonly what: string;
  readonly addresses: AddressSet;
  readonly evidence: readonly Origin[];
}

export interface InternetDefinition {
  /** Every address minus `excluded`. */
  readonly addresses: AddressSet;
  readonly excluded: readonly InternetExclusion[];
}

export interface InternetInputs {
  readonly device: Device;
  /** Interface (or zone) name → the zone it faces. */
  readonly interfaces: ReadonlyMap<string, Zone>;
  /** Each role's addresses, from the profile or inferred. */
  readonly roles: ReadonlyMap<string, AddressSet>;
  readonly roleZones: ReadonlyMap<string, Zone>;
  readonly nonPublic: AddressRegistry;
  /** The site profile's `internalNetworks`. */
  readonly internalNetworks?: AddressSet;
}

export function defineInternet(input: InternetInputs): InternetDefinition {
  const roleAddresses = [...input.roles]
    .filter(([role]) => input.roleZones.get(role) !== 'internet')
    .reduce((all, [, a]) => all.union(a), AddressSet.NONE);
  const excluded: InternetExclusion[] = [
    {
      what: `non-public ranges (${input.nonPublic.sources.map((s) => s.title).join('; ')})`,
      addresses: input.nonPublic.addresses,
      evidence: [],
    },
    { what: 'the addresses of the Edge roles and internal servers (site profile or inferred roles)', addresses: roleAddresses, evidence: [] },
    translatedRoleAddresses(input.device.nat, roleAddresses),
    ownAddresses(input.device),
    insideNetworks(input.device, input.interfaces),
    ...(input.internalNetworks ? [{ what: "the organisation's internal networks (site profile internalNetworks)", addresses: input.internalNetworks, evidence: [] }] : []),
  ].filter((x) => !x.addresses.isEmpty());
  const addresses = excluded.reduce((left, x) => left.subtract(x.addresses), AddressSet.any());
  return { addresses, excluded };
}

/**
 * The other side of each address translation of a role address: the public address a private Edge is published at,
 * or the private one behind a published Edge. Only translations of role addresses count: an identity NAT toward a
 * partner (ASA twice NAT) says nothing about who owns the partner's address.
 */
function translatedRoleAddresses(nat: readonly NatRule[], roles: AddressSet): InternetExclusion {
  let addresses = AddressSet.NONE;
  const evidence: Origin[] = [];
  for (const rule of nat) {
    if (!rule.enabled || !rule.toAddresses) continue;
    const matched = rule.match.flows.reduce((a, h) => a.union(rule.kind === 'destination' ? h.dst : h.src), AddressSet.NONE);
    const other = matched.overlaps(roles) ? rule.toAddresses : rule.toAddresses.overlaps(roles) ? matched : undefined;
    if (!other || other.isAnyOfItsFamilies()) continue;
    addresses = addresses.union(other);
    evidence.push(rule.origin);
  }
  return { what: 'the addresses the device translates role addresses to or from (its own address translation)', addresses, evidence };
}

/** The firewall's own interface addresses: the device itself is not an Internet host. */
function ownAddresses(device: Device): InternetExclusion {
  const withAddresses = device.interfaces.filter((i) => i.addresses && !i.addresses.isEmpty());
  return {
    what: "the device's own interface addresses",
    addresses: withAddresses.reduce((a, i) => a.union(i.addresses!), AddressSet.NONE),
    evidence: withAddresses.flatMap((i) => (i.origin ? [i.origin] : [])),
  };
}

/**
 * The networks the device reaches through interfaces that do not face the Internet: connected networks and routes
 * of the inside legs. Without a placement, the interfaces other than the default route's are taken to be inside.
 */
function insideNetworks(device: Device, interfaces: ReadonlyMap<string, Zone>): InternetExclusion {
  const routes = device.routes ?? [];
  const zoneOf = (name: string) => interfaces.get(name) ?? interfaces.get(device.interfaces.find((i) => i.name === name)?.zone ?? '');
  const uplinks = new Set(routes.filter((r) => r.destination.isAnyOfItsFamilies()).map((r) => r.interface));
  const inside = interfaces.size > 0 ? (name: string) => zoneOf(name) !== undefined && zoneOf(name) !== 'internet' : (name: string) => uplinks.size > 0 && !uplinks.has(name);
  const chosen = routes.filter((r) => !r.destination.isAnyOfItsFamilies() && inside(r.interface));
  const names = [...new Set(chosen.map((r) => r.interface))].sort();
  return {
    what: `the networks connected or routed to interfaces that do not face the Internet (${names.join(', ')})`,
    addresses: chosen.reduce((a, r) => a.union(r.destination), AddressSet.NONE),
    evidence: chosen.map((r) => r.origin),
  };
}

/**
 * Addresses in words, relative to the Internet: "the Internet", "the Internet except 198.51.100.0/24", or the
 * addresses themselves. Lists of dozens of ranges that only spell out the complement of the Internet help nobody.
 */
export function nameAddresses(internet: InternetDefinition, a: AddressSet): string {
  if (a.isAnyOfItsFamilies()) return 'any';
  const families = a.families();
  const whole = families.reduce((w, f) => w.union(internet.addresses.only(f)), AddressSet.NONE);
  if (!whole.isEmpty() && a.equals(whole)) return 'the Internet';
  if (!whole.isEmpty() && a.isSubsetOf(whole)) {
    const missing = whole.subtract(a);
    if (missing.toStrings().length < a.toStrings().length) return `the Internet except ${missing.toString()}`;
  }
  return a.toString();
}
