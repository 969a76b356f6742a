import { headerSpace, intersectFlows, Ports, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, Rule } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import { evaluatePath, type Decider, type Outcome } from '../engine/evaluate.js';
import { asSeenAt, type SeenFlows } from '../engine/nat.js';
import { appliesTo } from '../engine/path-context.js';
import { candidateRules } from '../engine/rule-index.js';
import { internetEnd, roleEnd, type AuditContext } from '../audit/context.js';
import { pathContext, queryPaths, tcpOrUdp, type FlowEnd, type QueryPath } from '../audit/flow-query.js';
import { portSet } from '../audit/requirements.js';
import { deciderEvidence, type Finding, type Severity } from '../audit/result.js';
import { finding, type Check } from './check.js';

type Breadth = 'any service' | 'any destination' | 'any source';

/**
 * For each Edge role and each side it talks to, every permit rule with "any" in a field is evaluated on its own:
 * its match, narrowed to the flows between that side and the Edge role, is sent along the path, and the rule is
 * reported only if it actually decides part of it — a shadowed rule opens nothing. Evaluating rule by rule keeps
 * every query narrow; one evaluation of "all flows to the Edge" through 100,000 rules would fragment without end.
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
    const rows = documentedRows(ctx);
    for (const edge of edgeRoles(ctx)) {
      const side = otherSide(ctx, edge);
      for (const [from, to, inbound] of [[side, edge, true], [edge, side, false]] as const) {
        const { paths } = queryPaths(ctx.device, ctx.placement, { from, to, protocols: Protocols.any(), dport: Ports.any() });
        for (const qp of paths) {
          for (const [d, reached, breadth, severity] of [...broadRules(ctx, rows, qp, inbound, side.zone), ...permittingDefaults(ctx, qp, inbound)]) {
            const f = anyFinding(this, ctx, d, breadth, from, to, reached, severity);
            found.set(f.id, f);
          }
        }
      }
    }
    return [...found.values()];
  },
};

type Hit = readonly [Decider, readonly HeaderSpace[], Breadth, Severity?];

function* broadRules(ctx: AuditContext, rows: DocumentedRows, qp: QueryPath, inbound: boolean, sideZone: Zone): Generator<Hit> {
  const pathCtx = pathContext(qp.path);
  for (const [filter, stage] of reachableFilters(ctx.device, qp)) {
    // The rule names flows as its filter sees them: translated, when NAT comes before it (ASA 8.3+, DNAT).
    for (const view of asSeenAt(ctx.device.nat, [qp.space], pathCtx, stage)) yield* broadRulesIn(ctx, rows, qp, filter, view, inbound, sideZone);
  }
}

/** The broad permit rules of one filter that decide part of the query, as that filter sees the query. */
function* broadRulesIn(ctx: AuditContext, rows: DocumentedRows, qp: QueryPath, filter: Filter, view: SeenFlows, inbound: boolean, sideZone: Zone): Generator<Hit> {
  const pathCtx = pathContext(qp.path);
  for (const rule of candidateRules(filter, view.seen)) {
    if (!rule.enabled || rule.action.type !== 'permit' || !appliesTo(rule, pathCtx)) continue;
    const seenOwn = intersectFlows(view.seen, rule.match.flows);
    if (seenOwn.length === 0) continue;
    const own = view.back(seenOwn);
    const breadths = breadthOf(ctx, rows, rule, own, inbound, sideZone);
    if (breadths.length === 0) continue;
    const outcomes = evaluatePath(ctx.device, qp.path.filters, own, pathCtx);
    const decided = outcomes.filter((o) => decidedBy(o, rule));
    if (decided.length === 0) continue;
    const d = decided[0]!.permittedBy.find((x) => x.rule === rule) ?? { filter, rule, via: [] };
    for (const b of breadths) yield [d, decided.flatMap((o) => o.flows), b];
  }
}

/** The rule permits these flows, or would if its uncertain match holds. */
function decidedBy(o: Outcome, rule: Rule): boolean {
  return (o.decision === 'permit' && o.permittedBy.some((d) => d.rule === rule)) || o.uncertainty.some((u) => u.rule === rule);
}

/**
 * Flows that reach an Edge without any rule letting them through: every filter on the path passed them by its
 * default. Only possible when the last filter's default permits, so only then is the whole flow set evaluated.
 */
function* permittingDefaults(ctx: AuditContext, qp: QueryPath, inbound: boolean): Generator<Hit> {
  const last = qp.path.filters[qp.path.filters.length - 1];
  if (!last || last.defaultAction !== 'permit') return;
  const outcomes = evaluatePath(ctx.device, qp.path.filters, [qp.space], pathContext(qp.path));
  const unfiltered = outcomes.filter((o) => o.decision === 'permit' && o.permittedBy.every((d) => !d.rule));
  const reached = unfiltered.flatMap((o) => o.flows);
  if (reached.length === 0) return;
  // Outbound, a default that lets the Edge open TCP or UDP connections no rule names (Windows' default outbound
  // Allow, OUTPUT ACCEPT) is broader than the documented rows but does not expose the Edge: one finding, medium.
  if (inbound) yield [unfiltered[0]!.decidedBy!, reached, 'any service'];
  else if (reached.some((h) => h.proto.overlaps(TCP_UDP))) yield [unfiltered[0]!.decidedBy!, reached, 'any service', 'medium'];
}

/**
 * The path's filters and every filter a flow of the query can be sent to from them: only jumps that can match
 * it on this path count (a chain entered only from another interface pair holds nothing for this path).
 */
function reachableFilters(device: Device, qp: QueryPath): [Filter, number][] {
  const ctx = pathContext(qp.path);
  // A called filter is consulted at the stage of the attached filter that leads to it.
  const stages = new Map<Filter, number>(qp.path.filters.map((f, i) => [f, f.attachment?.stage ?? i]));
  const queue = [...qp.path.filters];
  for (let f = queue.shift(); f; f = queue.shift()) {
    const stage = stages.get(f)!;
    for (const r of f.rules) {
      if ((r.action.type !== 'call' && r.action.type !== 'goto') || !r.enabled || !appliesTo(r, ctx)) continue;
      const target = device.filters.get(r.action.filter);
      const reaching = asSeenAt(device.nat, [qp.space], ctx, stage).some(({ seen }) => intersectFlows(seen, r.match.flows).length > 0);
      if (target && !stages.has(target) && reaching) {
        stages.set(target, stage);
        queue.push(target);
      }
    }
  }
  return [...stages];
}

export function edgeRoles(ctx: AuditContext): FlowEnd[] {
  return [...ctx.roleZones]
    .filter(([role, zone]) => (zone === 'edge-external' || zone === 'edge-internal') && (ctx.roles.has(role) || ctx.placement.deviceRole === 'edge-host'))
    .map(([role]) => roleEnd(ctx, role));
}

/** Any host on the side an Edge role talks to: the Internet for its external side, the internal network for its internal side. */
function otherSide(ctx: AuditContext, edge: FlowEnd): FlowEnd {
  return edge.zone === 'edge-external' ? internetEnd(ctx) : { role: 'internal hosts', zone: 'internal' };
}

const PORTED = Protocols.only(6, 17, 132, 136);
const TCP_UDP = Protocols.only(6, 17);

/**
 * The fields in which the rule is broader than the documentation. Any service is always too broad toward an Edge.
 * Any destination and any source count only where the rule carries a documented row's protocol and port (the
 * inbound rows name the Edge address; the internal rows' "Any" stands for the Front End pool): an ICMP rule
 * or another service's rule that is broad elsewhere is not a statement about the documented flows.
 */
function breadthOf(ctx: AuditContext, rows: DocumentedRows, rule: Rule, own: readonly HeaderSpace[], inbound: boolean, sideZone: Zone): Breadth[] {
  const spaces = rule.match.flows;
  const out: Breadth[] = [];
  if (spaces.some((h) => h.proto.isFull() || (h.proto.isSubsetOf(PORTED) && h.dport.isFull()))) out.push('any service');
  if (inbound && ctx.placement.deviceRole === 'network-firewall' && spaces.some((h) => h.dst.isAnyOfItsFamilies()) && reaches(rows.inbound, own)) {
    out.push('any destination');
  }
  if (inbound && sideZone === 'internal' && ctx.roles.has('front-end') && spaces.some((h) => h.src.isAnyOfItsFamilies()) && reaches(rows.internal, own)) {
    out.push('any source');
  }
  return out;
}

/** The protocol and ports of the documented inbound and internal rows, as flow sets. */
interface DocumentedRows {
  readonly inbound: readonly HeaderSpace[];
  readonly internal: readonly HeaderSpace[];
}

function documentedRows(ctx: AuditContext): DocumentedRows {
  const rows = (direction: 'inbound' | 'internal') =>
    ctx.packs
      .flatMap((p) => p.rules)
      .filter((r) => r.direction === direction)
      .map((r) => headerSpace({ proto: tcpOrUdp(r.protocol), dport: portSet(r.ports) }));
  return { inbound: rows('inbound'), internal: rows('internal') };
}

function reaches(rows: readonly HeaderSpace[], flows: readonly HeaderSpace[]): boolean {
  return rows.some((r) => flows.some((h) => h.proto.overlaps(r.proto) && h.dport.overlaps(r.dport)));
}

const SEVERITY: Record<Breadth, Severity> = { 'any service': 'high', 'any destination': 'medium', 'any source': 'low' };

function anyFinding(check: Check, ctx: AuditContext, d: Decider, breadth: Breadth, from: FlowEnd, to: FlowEnd, flows: readonly HeaderSpace[], severity = SEVERITY[breadth]): Finding {
  const rule = d.rule;
  const reached = flows.reduce((acc, h) => ({ ...acc, proto: acc.proto.union(h.proto), dport: acc.dport.union(h.dport) }));
  const what = rule ? `line ${rule.origin.line} (${d.filter.name})` : `the default policy of ${d.filter.name}`;
  const fields = (pick: (h: HeaderSpace) => string[]) => (rule ? rule.match.flows.flatMap(pick) : ['any']);
  return finding({
    check: check.id,
    severity,
    citation: check.cites,
    file: ctx.device.file,
    // The rule's own fields, not its line number, identify the finding across edits.
    flow: {
      protocol: `${Protocols.format(reached.proto)} [${breadth}]`,
      from: from.role,
      to: to.role,
      src: fields((h) => (h.src.isAnyOfItsFamilies() ? ['any'] : h.src.toStrings())),
      dst: fields((h) => (h.dst.isAnyOfItsFamilies() ? ['any'] : h.dst.toStrings())),
      dport: rule ? rule.match.flows.map((h) => Ports.format(h.dport)).join(' | ') : 'any',
    },
    message: `${what} permits ${breadth} from ${from.role} to ${to.role}${to.addresses ? ` (${to.addresses.toString()})` : ''}: ${Protocols.format(reached.proto)} port ${Ports.format(reached.dport)}, where the documentation lists only specific ${breadth === 'any service' ? 'protocols and ports' : breadth === 'any destination' ? 'Edge addresses' : 'internal servers'}.`,
    evidence: deciderEvidence(d, 'permit', ctx.device.file),
  });
}
