/**
 * The FortiGate's own services on an interface (`set allowaccess https ssh ping …`, `set ip6-allowaccess …`) as
 * permit rules of the management plane: one per interface and service, for the service's protocol and port to the
 * interface's own addresses, arriving on that interface. Ports follow `config system global` (`set admin-sport
 * 8443`…). Administrator logins (https, http, ssh, telnet) are accepted only from the administrators' trusted hosts
 * (`config system admin`, `set trusthost1 …`) when every administrator has them: that restricts who can log in, not who
 * can connect (Fortinet's own advice is a local-in policy to keep the admin ports off the Internet), so it is the rule's
 * scope, not its sources. Who can actually reach a service
 * (local-in policies first, then these rules) is the engine's to evaluate, not the parser's.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import type { Rule } from '../../src/model/rule-graph.js';
import type { FgInterface } from './interfaces.js';
import type { Origins } from './origins.js';
import { ConfigError, valueOf, type Entry, type HasSettings } from './tree.js';
import { keywords } from '../../src/model/keywords.js';

/** Administrator logins, restricted by trusted hosts, and the `system global` setting of each one's port. */
const ADMIN_PORTS = keywords<readonly [string, number]>({ https: ['admin-sport', 443], http: ['admin-port', 80], ssh: ['admin-ssh-port', 22], telnet: ['admin-telnet-port', 23] });
/** Other services with a fixed protocol and port (FortiOS documentation, "FortiGate open ports"). */
const FIXED = keywords<readonly [number, number]>({ snmp: [17, 161], fgfm: [6, 541], fabric: [6, 8013], 'radius-acct': [17, 1813], capwap: [17, 5246] });
/** ICMP echo request: protocol and type (carried as the destination port) per family. */
const PING: Readonly<Record<Family, readonly [number, number]>> = { ipv4: [1, 8], ipv6: [58, 128] };

export interface ManagementContext {
  readonly origins: Origins;
  readonly global: HasSettings;
  readonly admins: readonly Entry[];
}

/** The interface's `allowaccess` services as permits, in the order the lines name them. */
export function allowaccessRules(intf: FgInterface, ctx: ManagementContext): Rule[] {
  const out: Rule[] = [];
  for (const setting of intf.access) {
    const family: Family = setting.key === 'ip6-allowaccess' ? 'ipv6' : 'ipv4';
    const own = intf.addresses.reduce((a, x) => a.union(x.host.only(family)), AddressSet.NONE);
    for (const value of setting.values) {
      const service = value.toLowerCase();
      const flows = serviceFlows(service, family, ctx.global);
      const trusted = ADMIN_PORTS.get(service) ? trustedHosts(ctx.admins, family) : undefined;
      const scope = trusted && `administrator logins only from the trusted hosts ${trusted.toString()}`;
      out.push({
        id: `${intf.name}/${setting.key}@${setting.line}/${service}`,
        action: { type: 'permit' },
        match: {
          flows: [headerSpace({ family, dst: own.isEmpty() ? AddressSet.any(family) : own, ...(flows ?? {}) })],
          inInterface: { names: [intf.name], negated: false },
        },
        enabled: true,
        // A service whose ports edge-audit does not know may listen on any of them: every verdict it could change is uncertain.
        uncertain: flows ? [] : [`the ports that allowaccess "${service}" opens are not known to edge-audit`],
        name: `${service} on ${intf.name}`,
        ...(scope ? { scope } : {}),
        deviceService: service,
        origin: ctx.origins.ofSetting(setting),
      });
    }
  }
  return out;
}

/** The protocol and port of a service; undefined when edge-audit does not know them. */
function serviceFlows(service: string, family: Family, global: HasSettings): Partial<HeaderSpace> | undefined {
  const admin = ADMIN_PORTS.get(service);
  if (admin) return { proto: Protocols.only(6), dport: Ports.range(Number(valueOf(global, admin[0]) ?? admin[1])) };
  if (service === 'ping') return { proto: Protocols.only(PING[family][0]), dport: Ports.range(PING[family][1]) };
  const fixed = FIXED.get(service);
  return fixed ? { proto: Protocols.only(fixed[0]), dport: Ports.range(fixed[1]) } : undefined;
}

/** The union of the administrators' trusted hosts of a family; undefined (anyone) when an administrator has none. */
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
  return out.only(family);
}
