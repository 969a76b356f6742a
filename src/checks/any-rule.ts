import { Ports, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Rule } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import type { Decider } from '../engine/evaluate.js';
import { roleEnd, type AuditContext } from '../audit/context.js';
import { evaluateFlow, type FlowEnd, type FlowQuery } from '../audit/flow-query.js';
import { deciderEvidence, type Finding, type Severity } from '../audit/result.js';
import { finding, type Check } from './check.js';

type Breadth = 'any service' | 'any destination' | 'any source';

/**
 * Every flow that reaches (or leaves) an Edge role is evaluated once, all protocols and ports at a time; each
 * rule that permits part of it is then read for "any" in a field where the documentation is narrower.
 * "Any" source on the external inbound rows and "any" destination on the outbound rows are documented.
 */
export const anyRule: Check = {
  id: 'any-rule',
  title: 'Over-permissive "any" rule toward an Edge',
  description:
    'A permit rule (or a permitting default policy) reaches an Edge role with "any" where the documentation is narrower: any protocol or port (always a finding), any destination behind the firewall, or any internal source toward the Edge internal interface when the Front End addresses are known.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries: only the listed protocols and ports, between the listed sources and destinations',
  run({ ctx }) {
    const found = new Map<string, Finding>();
    for (const edge of edgeRoles(ctx)) {
      for (const side of otherSides(ctx, edge)) {
        for (const [from, to, inbound] of [[side, edge, true], [edge, side, false]] as const) {
          const query: FlowQuery = { from, to, protocols: Protocols.any(), dport: Ports.any() };
          for (const pe of evaluateFlow(ctx.device, ctx.placement, query).paths) {
            for (const o of pe.outcomes) {
              if (o.decision !== 'permit') continue;
              for (const d of o.permittedBy) {
                for (const breadth of breadthOf(ctx, d, o.flows, inbound, side.zone)) {
                  const f = anyFinding(this, ctx, d, breadth, from, to, o.flows);
                  found.set(`${f.id}`, f);
                }
              }
            }
          }
        }
      }
    }
    return [...found.values()];
  },
};

function edgeRoles(ctx: AuditContext): FlowEnd[] {
  return [...ctx.roleZones]
    .filter(([role, zone]) => (zone === 'edge-external' || zone === 'edge-internal') && (ctx.roles.has(role) || ctx.placement.deviceRole === 'edge-host'))
    .map(([role]) => roleEnd(ctx, role));
}

/** Any host on the side the Edge role talks to: the Internet for its external side, the internal network for its internal side. */
function otherSides(ctx: AuditContext, edge: FlowEnd): FlowEnd[] {
  const zone: Zone = edge.zone === 'edge-external' ? 'internet' : 'internal';
  return [{ role: zone === 'internet' ? 'internet' : 'internal hosts', zone }];
}

function breadthOf(ctx: AuditContext, d: Decider, flows: readonly HeaderSpace[], inbound: boolean, sideZone: Zone): Breadth[] {
  const rule = d.rule;
  const out: Breadth[] = [];
  if (!rule) {
    // A permitting default policy opens every service it is reached with.
    if (inbound || flows.some((h) => h.proto.isFull())) out.push('any service');
    return out;
  }
  const spaces = rule.match.flows;
  const ported = Protocols.only(6, 17, 132, 136);
  if (spaces.some((h) => h.proto.isFull() || (h.proto.isSubsetOf(ported) && h.dport.isFull()))) out.push('any service');
  if (inbound && ctx.placement.deviceRole === 'network-firewall' && spaces.some((h) => h.dst.isAnyOfItsFamilies())) out.push('any destination');
  if (inbound && sideZone === 'internal' && ctx.roles.has('front-end') && spaces.some((h) => h.src.isAnyOfItsFamilies())) out.push('any source');
  return out;
}

const SEVERITY: Record<Breadth, Severity> = { 'any service': 'high', 'any destination': 'medium', 'any source': 'low' };

function anyFinding(check: Check, ctx: AuditContext, d: Decider, breadth: Breadth, from: FlowEnd, to: FlowEnd, flows: readonly HeaderSpace[]): Finding {
  const rule: Rule | undefined = d.rule;
  const reached = flows.reduce((acc, h) => ({ ...acc, dst: acc.dst.union(h.dst), src: acc.src.union(h.src), proto: acc.proto.union(h.proto), dport: acc.dport.union(h.dport) }));
  const what = rule ? `line ${rule.origin.line} (${d.filter.name})` : `the default policy of ${d.filter.name}`;
  const flow = {
    protocol: Protocols.format(reached.proto),
    from: from.role,
    to: to.role,
    // The rule's own fields, not the line number, identify the finding across edits.
    src: rule ? rule.match.flows.flatMap((h) => (h.src.isAnyOfItsFamilies() ? ['any'] : h.src.toStrings())) : ['any'],
    dst: rule ? rule.match.flows.flatMap((h) => (h.dst.isAnyOfItsFamilies() ? ['any'] : h.dst.toStrings())) : ['any'],
    dport: rule ? rule.match.flows.map((h) => Ports.format(h.dport)).join(' | ') : 'any',
  };
  return finding({
    check: check.id,
    severity: SEVERITY[breadth],
    citation: check.cites,
    file: ctx.device.file,
    flow: { ...flow, protocol: `${flow.protocol} [${breadth}]` },
    message: `${what} permits ${breadth} from ${from.role} to ${to.role}${to.addresses ? ` (${to.addresses.toString()})` : ''}: ${Protocols.format(reached.proto)} port ${Ports.format(reached.dport)}, where the documentation lists only specific ${breadth === 'any service' ? 'protocols and ports' : breadth === 'any destination' ? 'Edge addresses' : 'internal servers'}.`,
    evidence: deciderEvidence(d, 'permit', ctx.device.file),
  });
}
