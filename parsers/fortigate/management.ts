/**
 * Who may use the FortiGate's own services on an interface (`set allowaccess https ssh ping …`): the sources that
 * no local-in policy denies for that service's port to that interface, and, for administrator logins (https, http,
 * ssh, telnet), only the administrators' trusted hosts (`config system admin`, `set trusthost1 …`) when every
 * administrator has them. Ports follow `config system global` (`set admin-sport 8443`…).
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import type { ManagementAccess, Rule } from '../../src/model/rule-graph.js';
import type { FgInterface } from './interfaces.js';
import type { Origins } from './origins.js';
import { ConfigError, valueOf, type Entry, type HasSettings } from './tree.js';

/** Administrator logins, restricted by trusted hosts, and the `system global` setting of each one's port. */
const ADMIN_PORTS: Readonly<Record<string, readonly [string, number]>> = { https: ['admin-sport', 443], http: ['admin-port', 80], ssh: ['admin-ssh-port', 22], telnet: ['admin-telnet-port', 23] };
/** Other services with a fixed protocol and port (FortiOS documentation, "FortiGate open ports"). */
const FIXED: Readonly<Record<string, readonly [number, number]>> = { snmp: [17, 161], fgfm: [6, 541], fabric: [6, 8013], 'radius-acct': [17, 1813], capwap: [17, 5246] };

export interface ManagementContext {
  readonly origins: Origins;
  readonly global: HasSettings;
  readonly admins: readonly Entry[];
  /** The local-in policy rules, in order. */
  readonly localIn: readonly Rule[];
}

export function managementAccess(intf: FgInterface, ctx: ManagementContext): ManagementAccess[] {
  const out: ManagementAccess[] = [];
  for (const setting of intf.access) {
    const family: Family = setting.key === 'ip6-allowaccess' ? 'ipv6' : 'ipv4';
    const own = intf.addresses.reduce((a, x) => a.union(x.host.only(family)), AddressSet.NONE);
    for (const value of setting.values) {
      const service = value.toLowerCase();
      const space = headerSpace({ family, dst: own.isEmpty() ? AddressSet.any(family) : own, ...serviceFlows(service, ctx.global) });
      let sources = permittedSources(ctx.localIn, intf.name, space, family);
      const trusted = ADMIN_PORTS[service] ? trustedHosts(ctx.admins, family) : undefined;
      if (trusted) sources = sources.intersect(trusted);
      out.push({ service, ...(sources.equals(AddressSet.any(family)) ? {} : { sources }), origin: ctx.origins.ofSetting(setting) });
    }
  }
  return out;
}

function serviceFlows(service: string, global: HasSettings): Partial<HeaderSpace> {
  const admin = ADMIN_PORTS[service];
  if (admin) return { proto: Protocols.only(6), dport: Ports.range(Number(valueOf(global, admin[0]) ?? admin[1])) };
  if (service === 'ping') return { proto: Protocols.only(1, 58), dport: Ports.range(8) };
  const fixed = FIXED[service];
  return fixed ? { proto: Protocols.only(fixed[0]), dport: Ports.range(fixed[1]) } : {};
}

/**
 * The sources the local-in policies let through to `space` arriving on `intf`: first match in order, and what no
 * policy matches is not blocked by them. What a policy only may match (all of a doubtful match, or its possible flows)
 * neither blocks nor grants for sure, so its sources are counted as permitted (exposure is never under-stated).
 */
function permittedSources(rules: readonly Rule[], intf: string, space: HeaderSpace, family: Family): AddressSet {
  let remaining: HeaderSpace[] = [space];
  let permitted = AddressSet.NONE;
  for (const rule of rules) {
    if (remaining.length === 0) break;
    const on = rule.match.inInterface;
    if (!rule.enabled || (on && !on.names.includes(intf))) continue;
    const doubtful = rule.uncertain.length > 0 && !rule.match.possibleFlows;
    const hit = intersectFlows(remaining, rule.match.flows);
    const maybe = rule.match.possibleFlows ? intersectFlows(remaining, rule.match.possibleFlows) : [];
    for (const h of maybe) permitted = permitted.union(h.src);
    if (hit.length === 0) continue;
    if (rule.action.type === 'permit' || doubtful) for (const h of hit) permitted = permitted.union(h.src);
    if (!doubtful) remaining = subtractFlows(remaining, rule.match.flows);
  }
  for (const h of remaining) permitted = permitted.union(h.src);
  return permitted.only(family);
}

/** The union of the administrators' trusted hosts; undefined (anyone) when an administrator has none. */
function trustedHosts(admins: readonly Entry[], family: Family): AddressSet | undefined {
  if (admins.length === 0) return undefined;
  const prefix = family === 'ipv4' ? 'trusthost' : 'ip6-trusthost';
  let out = AddressSet.NONE;
  for (const admin of admins) {
    const hosts = admin.settings.filter((s) => s.key.startsWith(prefix) && /^\d+$/.test(s.key.slice(prefix.length)));
    if (hosts.length === 0) return undefined;
    for (const h of hosts) {
      const text = h.values.length === 2 ? `${h.values[0]}/${h.values[1]}` : (h.values[0] ?? '');
      try {
        out = out.union(AddressSet.parse(text));
      } catch {
        throw new ConfigError(h.line, `administrator "${admin.name}": malformed ${h.key} "${h.values.join(' ')}"`);
      }
    }
  }
  return out;
}
