import { Ports, Protocols } from '../model/header-space.js';
import type { ManagementAccess, NetworkInterface } from '../model/rule-graph.js';
import { internetEnd, roleEnd, type AuditContext } from '../audit/context.js';
import { queryPaths } from '../audit/flow-query.js';
import { originEvidence, SEVERITIES, type Finding, type Severity } from '../audit/result.js';
import { finding, type Check } from './check.js';

/**
 * How bad each management service of the firewall is when anyone on the Internet can reach it:
 * - telnet and http carry the administrator's password in clear text: critical, as bad as an internal-only Lync
 *   port open to the Internet;
 * - https and ssh open the whole control plane of the device to password guessing and to the administrative-interface
 *   vulnerabilities that attackers scan the Internet for (FortiOS CVE-2022-40684 and CVE-2024-55591 were both
 *   authentication bypasses of the HTTPS administration interface, mass-exploited on Internet-facing devices): high;
 * - snmp (device data, often a guessable community), fgfm (FortiManager's management tunnel, CVE-2024-47575) and
 *   fabric (Security Fabric control): medium;
 * - ping and every other service (probe responses, RADIUS accounting, CAPWAP, speed tests): low.
 * A service that only some sources may use is one step less severe: exposure to part of the Internet.
 */
const SEVERITY: Readonly<Record<string, Severity>> = { telnet: 'critical', http: 'critical', https: 'high', ssh: 'high', snmp: 'medium', fgfm: 'medium', fabric: 'medium' };

const WHAT: Readonly<Record<string, string>> = {
  telnet: 'command-line administration in clear text',
  http: 'web administration over plain HTTP',
  https: 'web administration',
  ssh: 'command-line administration',
  snmp: 'SNMP device monitoring',
  fgfm: 'FortiManager management tunnel',
  fabric: 'Security Fabric control',
  ping: 'ICMP echo',
};

export const managementAccess: Check = {
  id: 'management-access',
  title: 'Firewall management reachable from the Internet',
  description:
    'A management service of the firewall itself (web or command-line administration, SNMP, ping, …) is enabled on an interface that faces the Internet, on a firewall that Edge traffic crosses. Vendor-neutral: it reads each interface\'s management access (FortiGate "set allowaccess", Cisco ASA "ssh|telnet|http … <nameif>"). This is general hardening, not a Lync Server port rule: no documentation row backs it, so findings carry no requirement.',
  defaultSeverity: 'high',
  cites: 'Not a Lync Server 2013 port rule. Vendor hardening guidance: Fortinet "Technical Tip: System administrator best practices for FortiGate" (community.fortinet.com, ta-p/189413): disable administrative access (HTTPS, PING, HTTP, SSH, TELNET) on the Internet-facing interface, and never allow HTTP or Telnet',
  run({ ctx }) {
    if (!onEdgePath(ctx)) return [];
    const findings: Finding[] = [];
    for (const intf of ctx.device.interfaces) {
      if (!facesInternet(ctx, intf)) continue;
      for (const access of intf.managementAccess ?? []) {
        if (access.sources?.isEmpty()) continue;
        findings.push(accessFinding(this, ctx, intf, access));
      }
    }
    return findings;
  },
};

/** Whether Internet traffic to any Edge role crosses this device (the audit's own path model decides). */
function onEdgePath(ctx: AuditContext): boolean {
  const internet = internetEnd(ctx);
  return [...ctx.roleZones]
    .filter(([, zone]) => zone === 'edge-external' || zone === 'edge-internal')
    .some(([role]) => queryPaths(ctx.device, ctx.placement, { from: internet, to: roleEnd(ctx, role), protocols: Protocols.any(), dport: Ports.any() }).paths.length > 0);
}

/** The interface faces the Internet in the placement, by its own name or by the zone it belongs to. */
function facesInternet(ctx: AuditContext, intf: NetworkInterface): boolean {
  const zone = ctx.placement.interfaces.get(intf.name) ?? (intf.zone !== undefined ? ctx.placement.interfaces.get(intf.zone) : undefined);
  return zone === 'internet';
}

function accessFinding(check: Check, ctx: AuditContext, intf: NetworkInterface, access: ManagementAccess): Finding {
  const restricted = access.sources !== undefined && !access.sources.isAnyOfItsFamilies();
  const base = SEVERITY[access.service] ?? 'low';
  const severity = restricted ? SEVERITIES[Math.min(SEVERITIES.indexOf(base) + 1, SEVERITIES.length - 1)]! : base;
  const what = WHAT[access.service] ?? 'a management service';
  const from = restricted ? `from ${access.sources!.toString()} only` : 'from anywhere';
  return finding({
    check: check.id,
    severity,
    citation: check.cites,
    file: ctx.device.file,
    flow: {
      protocol: `management ${access.service}`,
      from: 'internet',
      to: `${intf.name} (the firewall itself)`,
      src: restricted ? access.sources!.toStrings() : ['any'],
      dst: intf.addresses?.toStrings() ?? [],
      dport: access.service,
    },
    message: `${access.service} (${what}) of the firewall itself is enabled on ${intf.name}, which faces the Internet: reachable ${from}. ${restricted ? 'Disable it there: only source addresses protect it.' : 'Disable it there, or restrict it to trusted administration hosts.'}`,
    evidence: [originEvidence(access.origin, 'permits')],
  });
}
