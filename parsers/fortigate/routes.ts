/**
 * What a VDOM routes where: the connected subnet of each interface address, and `config router static` /
 * `static6` entries (`set dst`, absent = the default route; `set device`, or an SD-WAN zone's members; `set dstaddr`
 * naming an address object). Blackhole and disabled routes send nothing anywhere and are left out.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import type { Route } from '../../src/model/rule-graph.js';
import type { AddressResolver, Report } from './addresses.js';
import type { Interfaces } from './interfaces.js';
import { entriesAt } from './model.js';
import type { Origins } from './origins.js';
import { ConfigError, valueOf, valuesOf, type Block, type Entry } from './tree.js';

export function routesOf(blocks: readonly Block[], interfaces: Interfaces, addresses: AddressResolver, origins: Origins, report: Report): Route[] {
  const routes: Route[] = [];
  for (const i of interfaces.list) {
    for (const a of i.addresses) {
      routes.push({ interface: i.name, destination: a.subnet, connected: true, origin: 'key' in a.at ? origins.ofSetting(a.at) : origins.ofHeader(a.at) });
    }
  }
  for (const [path, family] of [['router static', 'ipv4'], ['router static6', 'ipv6']] as const) {
    for (const e of entriesAt(blocks, path)) {
      if (valueOf(e, 'status') === 'disable' || valueOf(e, 'blackhole') === 'enable') continue;
      const destination = staticDestination(e, family, addresses, report);
      if (!destination) continue;
      const origin = origins.ofNode(e);
      for (const name of routeInterfaces(e, interfaces)) routes.push({ interface: name, destination, connected: false, origin });
    }
  }
  return routes;
}

function staticDestination(e: Entry, family: Family, addresses: AddressResolver, report: Report): AddressSet | undefined {
  const named = valueOf(e, 'dstaddr');
  if (named) {
    const b = addresses.resolve(named, family, e.line);
    if (b.reasons.length === 0) return b.possible;
    report(e.line, 'warning', `static route ${e.name}: its destination ${named} is not known exactly (${b.reasons.join('; ')}); the route is left out`);
    return undefined;
  }
  const dst = valuesOf(e, 'dst');
  const text = dst.length === 0 ? (family === 'ipv4' ? '0.0.0.0/0' : '::/0') : dst.length === 2 ? `${dst[0]}/${dst[1]}` : dst[0]!;
  try {
    return AddressSet.parse(text);
  } catch (err) {
    if (err instanceof AddressError) throw new ConfigError(e.line, `static route ${e.name}: malformed dst "${dst.join(' ')}"`);
    throw err;
  }
}

/** `set device "wan1"`, or the members of `set sdwan-zone` (7.2+) / the SD-WAN zone with `set sdwan enable` (6.x–7.0). */
function routeInterfaces(e: Entry, interfaces: Interfaces): string[] {
  const zones = valuesOf(e, 'sdwan-zone');
  if (zones.length > 0) return zones.flatMap((z) => interfaces.zones.get(z)?.members ?? []);
  if (valueOf(e, 'sdwan') === 'enable' || valueOf(e, 'virtual-wan-link') === 'enable') return [...(interfaces.zones.get('virtual-wan-link')?.members ?? [])];
  const device = valueOf(e, 'device');
  return device ? [device] : [];
}
