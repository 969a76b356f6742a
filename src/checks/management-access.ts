import { AddressSet } from '../model/address-set.js';
import { headerSpace, Ports, Protocols } from '../model/header-space.js';
import type { NetworkInterface, Rule } from '../model/rule-graph.js';
import { evaluatePath, type Outcome } from '../engine/evaluate.js';
import { filtersOn, type Path } from '../engine/topology.js';
import { internetEnd, roleEnd, type AuditContext } from '../audit/context.js';
import { queryPaths, type DecidedPart } from '../audit/flow-query.js';
import { nameAddresses } from '../audit/internet.js';
import { deciderEvidence, partsEvidence, SEVERITIES, uncertaintyEvidence, uniqueEvidence, type Finding, type Severity } from '../audit/result.js';
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
 * A service that only part of the Internet may use, or that the Internet reaches only if an uncertain rule turns out
 * one way, is one step less severe.
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
    'A management service of the firewall itself (web or command-line administration, SNMP, ping, …) can be reached from the Internet on an interface that faces it, on a firewall that Edge traffic crosses. Vendor-neutral: the engine evaluates every Internet flow to the firewall arriving on that interface through the filters on its input path (FortiGate local-in policies, then the interfaces\' "set allowaccess" services; Cisco ASA "ssh|telnet|http … <nameif>"), and each part a management service lets through is reported. This is general hardening, not a Lync Server port rule: no documentation row backs it, so findings carry no requirement.',
  defaultSeverity: 'high',
  cites: 'Not a Lync Server 2013 port rule. Vendor hardening guidance: Fortinet "Technical Tip: System administrator best practices for FortiGate" (community.fortinet.com, ta-p/189413): disable administrative access (HTTPS, PING, HTTP, SSH, TELNET) on the Internet-facing interface, and never allow HTTP or Telnet',
  run({ ctx }) {
    if (!onEdgePath(ctx)) return [];
    const findings: Finding[] = [];
    for (const intf of ctx.device.interfaces) {
      if (!facesInternet(ctx, intf)) continue;
      for (const exposure of exposures(ctx, intf)) findings.push(accessFinding(this, ctx, intf, exposure));
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

/** One management service the Internet reaches: the parts it certainly lets through, and those it may. */
interface Exposure {
  readonly service: string;
  readonly certain: DecidedPart[];
  readonly uncertain: DecidedPart[];
  /** The Internet of the families the service answers in. */
  readonly internet: AddressSet;
  /** Where the service's first rule sits in the filters, for reporting in configuration order. */
  readonly rank: number;
  /** What narrows the service beyond who can connect (FortiGate trusted hosts: who can log in). */
  readonly scope?: string;
}

/**
 * What the Internet reaches of the device's own services through `intf`: every Internet flow to the device arriving
 * there, evaluated by the engine along the input path; each part a rule of a management service lets through (or
 * might, when an uncertain rule decides) is that service's. A part the device passes by no such rule (an iptables
 * INPUT policy) is no management service edge-audit can name.
 */
function exposures(ctx: AuditContext, intf: NetworkInterface): Exposure[] {
  const internet = internetEnd(ctx).addresses!;
  const byService = new Map<string, { -readonly [K in keyof Exposure]: Exposure[K] }>();
  for (const family of ctx.device.families) {
    const src = internet.only(family);
    if (src.isEmpty()) continue;
    const filters = filtersOn(ctx.device, 'input', family, intf.name, undefined);
    const path: Path = { hook: 'input', in: intf.name, filters, assumed: false };
    const rank = new Map(filters.flatMap((f, i) => f.rules.map((r, j): [Rule, number] => [r, i * 1e9 + j])));
    for (const o of evaluatePath(ctx.device, filters, [headerSpace({ family, src })], { in: intf.name })) {
      const rule = serviceRule(o);
      if (!rule || (o.decision === 'deny' && o.uncertainty.length === 0)) continue;
      const service = rule.deviceService!;
      const e = byService.get(service) ?? { service, certain: [], uncertain: [], internet: AddressSet.NONE, rank: Infinity };
      byService.set(service, e);
      e.internet = e.internet.union(src);
      e.rank = Math.min(e.rank, rank.get(rule) ?? Infinity);
      if (rule.scope) e.scope ??= rule.scope;
      const part: DecidedPart = { flows: o.flows, ...(o.decidedBy ? { decidedBy: o.decidedBy } : {}), uncertainty: o.uncertainty, path, translations: o.translations, permittedBy: o.permittedBy };
      (o.uncertainty.length > 0 ? e.uncertain : e.certain).push(part);
    }
  }
  return [...byService.values()].sort((a, b) => a.rank - b.rank);
}

/** The management-service rule that lets an outcome through, or would if its uncertain rules matched. */
function serviceRule(o: Outcome): Rule | undefined {
  return [...o.permittedBy.map((d) => d.rule), ...o.uncertainty.map((u) => u.rule)].find((r) => r?.deviceService !== undefined);
}

const sourcesOf = (parts: readonly DecidedPart[]) => parts.flatMap((p) => p.flows.map((h) => h.src)).reduce((a, b) => a.union(b), AddressSet.NONE);

function accessFinding(check: Check, ctx: AuditContext, intf: NetworkInterface, e: Exposure): Finding {
  const certain = sourcesOf(e.certain);
  const possible = sourcesOf(e.uncertain).subtract(certain);
  const whole = certain.equals(e.internet);
  const base = SEVERITY[e.service] ?? 'low';
  // Part of the Internet, or logins restricted beyond who can connect: one step lower.
  const severity = whole && !e.scope ? base : SEVERITIES[Math.min(SEVERITIES.indexOf(base) + 1, SEVERITIES.length - 1)]!;
  const what = WHAT[e.service] ?? 'a management service';
  const name = (a: AddressSet) => nameAddresses(ctx.internet, a);
  const reach = whole
    ? 'reachable from anywhere on the Internet'
    : certain.isEmpty()
      ? `possibly reachable from ${name(possible)}, depending on rules edge-audit cannot evaluate exactly`
      : `reachable from ${name(certain)} only${possible.isEmpty() ? '' : `, possibly also from ${name(possible)}`}`;
  return finding({
    check: check.id,
    severity,
    citation: check.cites,
    file: ctx.device.file,
    flow: {
      protocol: `management ${e.service}`,
      from: 'internet',
      to: `${intf.name} (the firewall itself)`,
      src: certain.union(possible).equals(e.internet) ? ['internet'] : [name(certain.union(possible))],
      dst: intf.addresses?.toStrings() ?? [],
      dport: e.service,
    },
    message: `${e.service} (${what}) of the firewall itself is open on ${intf.name}, which faces the Internet: ${reach}${e.scope ? ` (${e.scope})` : ''}. ${whole && !e.scope ? 'Disable it there, or restrict it to trusted administration hosts.' : 'Disable it there, or drop the Internet before it with a local-in policy: only source addresses or logins protect it.'}`,
    evidence: uniqueEvidence([
      // Every rule that lets the flows through on the way (a local-in accept, then the service), and what decides the doubt.
      ...e.certain.flatMap((p) => p.permittedBy.flatMap((d) => (d.rule ? deciderEvidence(d, 'permit', ctx.device.file) : []))),
      ...partsEvidence(e.certain, 'permit', ctx.device.file),
      ...e.uncertain.flatMap((p) => p.permittedBy.flatMap((d) => (d.rule ? deciderEvidence(d, 'permit', ctx.device.file) : []))),
      ...uncertaintyEvidence(e.uncertain),
    ]),
  });
}
