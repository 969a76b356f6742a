/**
 * Interfaces, zones and routes of one VDOM.
 * - `config system interface`: `set vdom`, `set ip A M` (plus `config secondaryip`), `config ipv6` /
 *   `set ip6-address`, `set allowaccess …` and `set ip6-allowaccess …` (services of the FortiGate itself).
 * - `config system zone`: `set interface` members, `set intrazone allow|deny` (deny is the default).
 * - SD-WAN: `config system sdwan` (7.0+) members with their `set zone` (default `virtual-wan-link`), or
 *   `config system virtual-wan-link` (6.x) members, all in the zone `virtual-wan-link`.
 * A policy or route naming a zone names its member interfaces.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import type { InterfaceMatch } from '../../src/model/rule-graph.js';
import { blocksAt, entriesAt } from './model.js';
import { ConfigError, blockOf, settingOf, valueOf, valuesOf, type Block, type Entry, type Setting } from './tree.js';

export interface InterfaceAddress {
  /** The interface's own address. */
  readonly host: AddressSet;
  /** The connected subnet. */
  readonly subnet: AddressSet;
  /** Where it is set: `set ip …`, `set ip6-address …`, or an `edit` of `config ip6-extra-addr`. */
  readonly at: Setting | Entry;
}

export interface FgInterface {
  readonly name: string;
  readonly entry: Entry;
  readonly addresses: readonly InterfaceAddress[];
  /** `set allowaccess` and `set ip6-allowaccess` lines. */
  readonly access: readonly Setting[];
}

export interface Zone {
  readonly name: string;
  readonly members: readonly string[];
  /** The `set intrazone allow` line, when traffic between members needs no policy. */
  readonly intrazoneAllow?: Setting;
}

export interface Interfaces {
  readonly list: readonly FgInterface[];
  /** System zones and SD-WAN zones by name. */
  readonly zones: ReadonlyMap<string, Zone>;
  /** The zone each interface belongs to. */
  readonly zoneOf: ReadonlyMap<string, string>;
}

/** The interfaces of `vdom` (every interface when there are no VDOMs), with their zones. */
export function readInterfaces(blocks: readonly Block[], vdom: string | undefined): Interfaces {
  const list = entriesAt(blocks, 'system interface')
    .filter((e) => vdom === undefined || (valueOf(e, 'vdom') ?? 'root') === vdom)
    .map(readInterface);
  const zones = new Map<string, Zone>();
  for (const e of entriesAt(blocks, 'system zone')) {
    const intrazone = settingOf(e, 'intrazone');
    zones.set(e.name, { name: e.name, members: valuesOf(e, 'interface'), ...(intrazone?.values[0] === 'allow' ? { intrazoneAllow: intrazone } : {}) });
  }
  for (const zone of sdwanZones(blocks)) zones.set(zone.name, zone);
  const zoneOf = new Map<string, string>();
  for (const z of zones.values()) for (const m of z.members) zoneOf.set(m, z.name);
  return { list, zones, zoneOf };
}

function readInterface(e: Entry): FgInterface {
  const addresses: InterfaceAddress[] = [];
  const access: Setting[] = [];
  const addV4 = (node: { settings: readonly Setting[] }) => {
    const ip = settingOf(node, 'ip');
    if (ip) addresses.push(...interfaceAddress(e, ip, ip.line, ip.values.length === 2 ? `${ip.values[0]}/${ip.values[1]}` : ip.values[0] ?? ''));
    const allow = settingOf(node, 'allowaccess');
    if (allow) access.push(allow);
  };
  addV4(e);
  for (const secondary of blockOf(e, 'secondaryip')?.entries ?? []) addV4(secondary);
  const v6 = blockOf(e, 'ipv6');
  if (v6) {
    const ip6 = settingOf(v6, 'ip6-address');
    if (ip6) addresses.push(...interfaceAddress(e, ip6, ip6.line, ip6.values[0] ?? ''));
    for (const extra of blockOf(v6, 'ip6-extra-addr')?.entries ?? []) addresses.push(...interfaceAddress(e, extra, extra.line, extra.name));
    const allow6 = settingOf(v6, 'ip6-allowaccess');
    if (allow6) access.push(allow6);
  }
  return { name: e.name, entry: e, addresses, access };
}

/** `192.0.2.1/255.255.255.0` or `2001:db8::1/64`: the host and its subnet; none for the unset `0.0.0.0 0.0.0.0` / `::/0`. */
function interfaceAddress(e: Entry, at: Setting | Entry, line: number, text: string): InterfaceAddress[] {
  const slash = text.indexOf('/');
  const hostText = slash < 0 ? text : text.slice(0, slash);
  let host: AddressSet;
  let subnet: AddressSet;
  try {
    host = AddressSet.parse(hostText);
    subnet = AddressSet.parse(text);
  } catch (err) {
    if (err instanceof AddressError) throw new ConfigError(line, `interface "${e.name}": malformed address "${text}"`);
    throw err;
  }
  return subnet.isAnyOfItsFamilies() ? [] : [{ host, subnet, at }];
}

function sdwanZones(blocks: readonly Block[]): Zone[] {
  const members = new Map<string, string[]>();
  const add = (zone: string, intf: string | undefined) => {
    if (!members.has(zone)) members.set(zone, []);
    if (intf) members.get(zone)!.push(intf);
  };
  for (const sdwan of blocksAt(blocks, 'system sdwan')) {
    for (const z of blockOf(sdwan, 'zone')?.entries ?? []) add(z.name, undefined);
    for (const m of blockOf(sdwan, 'members')?.entries ?? []) add(valueOf(m, 'zone') ?? 'virtual-wan-link', valueOf(m, 'interface'));
  }
  for (const vwl of blocksAt(blocks, 'system virtual-wan-link')) {
    for (const m of blockOf(vwl, 'members')?.entries ?? []) add('virtual-wan-link', valueOf(m, 'interface'));
  }
  return [...members].map(([name, m]) => ({ name, members: m }));
}

/**
 * The interfaces a policy field names (`set srcintf "wan1" "inside-zone"`): zones become their members; `any` (or
 * nothing) means no interface test.
 */
function expandInterfaces(interfaces: Interfaces, names: readonly string[]): string[] | undefined {
  if (names.length === 0 || names.includes('any')) return undefined;
  const out: string[] = [];
  for (const n of names) {
    const zone = interfaces.zones.get(n);
    for (const m of zone ? zone.members : [n]) if (!out.includes(m)) out.push(m);
  }
  return out;
}

const tests = new WeakMap<Interfaces, Map<string, InterfaceMatch | undefined>>();

/**
 * The interface test of a policy field, shared by every policy that names the same interfaces: a 100,000-policy
 * configuration names a few dozen interface lists.
 */
export function interfaceTest(interfaces: Interfaces, names: readonly string[]): InterfaceMatch | undefined {
  let cache = tests.get(interfaces);
  if (!cache) tests.set(interfaces, (cache = new Map()));
  const key = names.join('\n');
  if (!cache.has(key)) {
    const expanded = expandInterfaces(interfaces, names);
    cache.set(key, expanded ? { names: expanded, negated: false } : undefined);
  }
  return cache.get(key);
}

/** The subnet of an interface's first address of the family (for `interface-subnet` addresses). */
export function interfaceSubnet(interfaces: Interfaces, name: string, family: Family): AddressSet | undefined {
  return interfaces.list.find((i) => i.name === name)?.addresses.find((a) => a.subnet.families()[0] === family)?.subnet;
}
