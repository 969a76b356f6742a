import { Ports, Protocols } from '../model/header-space.js';
import { internetEnd, roleEnd } from '../audit/context.js';
import { evaluateFlow, verdictOf } from '../audit/flow-query.js';
import { describeQuery, portSet } from '../audit/requirements.js';
import { partsEvidence, uncertaintyEvidence, uniqueEvidence, type Finding } from '../audit/result.js';
import { finding, type Check } from './check.js';

/**
 * Ports that Lync documents only on the Edge's internal side (XMPP gateway, CMS replication, A/V authentication,
 * web conferencing, centralized logging). Reachable from the Internet, each opens an internal service to anyone.
 */
const INTERNAL_ONLY: readonly { ports: number | [number, number]; service: string }[] = [
  { ports: 23456, service: 'XMPP gateway to Edge (XMPP/MTLS)' },
  { ports: 4443, service: 'Central Management Store replication' },
  { ports: 5062, service: 'A/V authentication (SIP/MTLS)' },
  { ports: 8057, service: 'web conferencing (PSOM/MTLS)' },
  { ports: [50001, 50003], service: 'centralized logging service' },
];

export const exposedInternalPort: Check = {
  id: 'exposed-internal-port',
  title: 'Internal-only port reachable from the Internet',
  description:
    'A port that the documentation uses only between internal servers and the Edge internal interface (23456, 4443, 5062, 8057, 50001–50003) is permitted from the Internet side to an Edge or internal address. On an Edge host, a rule without a local address applies to the external interface too.',
  defaultSeverity: 'critical',
  cites: 'Lync Server 2013 Edge port summaries, "Internal Interface" tables (e.g. TechNet Gg425891, JJ204756); every topology page says to open only the ports required',
  run({ ctx, requirements }) {
    const internet = internetEnd(ctx);
    // On an Edge host only the external side is addressed from the Internet; on a network firewall, every inside role.
    const targets = [...ctx.roleZones]
      .filter(([, zone]) => (ctx.placement.deviceRole === 'edge-host' ? zone === 'edge-external' : zone !== 'internet'))
      .filter(([role]) => ctx.placement.deviceRole === 'edge-host' || ctx.roles.has(role))
      .map(([role]) => roleEnd(ctx, role));
    const findings: Finding[] = [];
    for (const to of targets) {
      for (const { ports, service } of INTERNAL_ONLY) {
        // Reachable at all: directly, or through a port forward that publishes the internal port under another.
        const query = { from: internet, to, protocols: Protocols.only(6), dport: portSet([ports]), viaPublishedPorts: true };
        const verdict = verdictOf(evaluateFlow(ctx.device, ctx.placement, query));
        const open = [...verdict.permitted, ...verdict.uncertain];
        if (open.length === 0) continue;
        const dport = open.flatMap((p) => p.flows.map((h) => h.dport)).reduce((a, b) => a.union(b));
        const flow = { ...describeQuery(query), dport: Ports.format(dport) };
        // The internal row that documents this port, when a selected pack has one (23456: the XMPP gateway row). Only
        // internal rows: 50001-50003 also lies inside the outbound A/V range 50000-59999, which says nothing about it.
        const related = requirements.find(({ requirement: { rule } }) => rule.direction === 'internal' && rule.protocol === 'tcp' && portSet(rule.ports).overlaps(query.dport));
        const certain = verdict.permitted.length > 0;
        findings.push(
          finding({
            check: this.id,
            severity: certain ? this.defaultSeverity : 'medium',
            ...(related ? { requirement: related.requirement.id } : {}),
            citation: this.cites,
            file: ctx.device.file,
            flow,
            message: `TCP ${Ports.format(query.dport)} (${service}, internal side only) is ${certain ? '' : 'possibly '}reachable from the Internet to ${to.role} (${flow.dst.join(', ')})${dport.isSubsetOf(query.dport) ? '' : `, arriving as TCP ${flow.dport} through address translation`}.`,
            evidence: uniqueEvidence([
              ...partsEvidence(verdict.permitted, 'permit', ctx.device.file),
              ...uncertaintyEvidence(verdict.uncertain),
            ]),
          }),
        );
      }
    }
    return findings;
  },
};
