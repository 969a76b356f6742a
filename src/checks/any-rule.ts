import { AddressSet } from '../model/address-set.js';
import { headerSpace, intersectFlows, Ports, PORTED_PROTOCOLS, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, Rule } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import { evaluatePath, type Decider, type Outcome } from '../engine/evaluate.js';
import { asSeenAt, type SeenFlows } from '../engine/nat.js';
import { appliesTo } from '../engine/path-context.js';
import { candidateRules } from '../engine/rule-index.js';
import { internetEnd, roleEnd, type AuditContext } from '../audit/context.js';
import { pathContext, queryPaths, tcpOrUdp, type FlowEnd, type QueryPath } from '../audit/flow-query.js';
import { portSet } from '../audit/requirements.js';
import type { IntervalSet } from '../model/interval-set.js';
import { deciderEvidence, type Finding, type Severity } from '../audit/result.js';
import { standsInForDefault } from './after-rule.js';
import { finding, type Check } from './check.js';

type Breadth = 'any service' | 'any destination' | 'any source';

const CIS_OUTBOUND = 'CIS Microsoft Windows Server benchmark: Windows Firewall outbound connections set to Allow (default) in every profile';

/**
 * For each Edge role and each side it talks to, every permit rule whose text could be broad is evaluated on its own:
 * its match, narrowed to the flows between that side and the Edge role, is sent along the path, and the rule is
 * judged by the flows it actually decides — after earlier rules, RETURNs, jumps and interface pairs — never by its
 * text: a shadowed rule opens nothing, and "any" in the text behind a chain entered only for the Edge is the Edge.
 * Evaluating rule by rule keeps every query narrow; one evaluation of "all flows to the Edge" through 100,000 rules
 * would fragment without end. "Any" source on the external inbound rows and "any" destination on the outbound rows
 * are documented. A rule that only permits what the default policy behind it permits anyway is no door of its own:
 * info, and the flows count as the default's.
 */
export const anyRule: Check = {
  id: 'any-rule',
  title: 'Over-permissive "any" rule toward an Edge',
  description:
    'A permit rule (or a permitting default policy) decides flows to or from an Edge role that are broader than the documentation: any protocol or port (always a finding), destinations behind the firewall beyond the Edge roles\' addresses, or internal sources beyond the Front End toward the Edge internal interface when the Front End addresses are known. A rule that only permits what the default behind it already permits is info (redundant); the Edge host\'s own outbound default Allow is info, as the CIS Microsoft Windows Server benchmark recommends it.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries: only the listed protocols and ports, between the listed sources and destinations',
  run({ ctx }) {
    const found = new Map<string, Finding>();
    const rows = documentedRows(ctx);
    const edges = edgeRoles(ctx);
    const edgeAddresses = edges.reduce((acc, e) => (e.addresses ? acc.union(e.addresses) : acc), AddressSet.NONE);
    for (const edge of edges) {
      const side = otherSide(ctx, edge);
      for (const [from, to, inbound] of [[side, edge, true], [edge, side, false]] as const) {
        const { paths } = queryPaths(ctx.device, ctx.placement, { from, to, protocols: Protocols.any(), dport: Ports.any() });
        for (const qp of paths) {
          const scope: Scope = { ctx, rows, qp, inbound, sideZone: side.zone, edgeAddresses: inbound ? edgeAsNamed(ctx, qp, edgeAddresses) : edgeAddresses };
          const rules = [...broadRules(scope)];
          const redundant = rules.filter((h) => h.redundant).flatMap((h) => h.flows);
          for (const hit of [...rules, ...permittingDefaults(ctx, qp, inbound, redundant)]) {
            const f = anyFinding(this, ctx, hit, from, to);
            found.set(f.id, f);
          }
        }
      }
    }
    return [...found.values()];
  },
};

/** One finding's worth: who decides, the flows it decides between the side and the Edge, and how it is broad. */
interface Hit {
  readonly d: Decider;
  readonly flows: readonly HeaderSpace[];
  readonly breadth: Breadth;
  readonly severity?: Severity;
  /** Why the severity differs from the breadth's: said in the message. */
  readonly note?: string;
  /** The authority for that note, when it is not the documentation the check applies. */
  readonly citation?: string;
  /** The rule permits only what the default behind it permits anyway. */
  readonly redundant?: boolean;
}

/** What every rule of one query path is judged against. */
interface Scope {
  readonly ctx: AuditContext;
  readonly rows: DocumentedRows;
  readonly qp: QueryPath;
  readonly inbound: boolean;
  readonly sideZone: Zone;
  /** Every Edge role's addresses (inbound, also as this path's packets and filters name them). */
  readonly edgeAddresses: AddressSet;
}

/**
 * The Edge's addresses on an inbound path: the roles' own, as the packets arrive (a published address), and as each
 * filter names them (the real address behind a DNAT): a flow to any of them is a flow to the Edge.
 */
function edgeAsNamed(ctx: AuditContext, qp: QueryPath, roles: AddressSet): AddressSet {
  const pathCtx = pathContext(qp.path);
  const stages = qp.path.filters.map((f, i) => f.attachment?.stage ?? i);
  return stages
    .flatMap((stage) => asSeenAt(ctx.device.nat, [qp.space], pathCtx, stage))
    .reduce((acc, v) => v.seen.reduce((a, h) => a.union(h.dst), acc), roles.union(qp.space.dst));
}

function* broadRules(scope: Scope): Generator<Hit> {
  const { ctx, qp } = scope;
  const pathCtx = pathContext(qp.path);
  for (const [filter, stage] of reachableFilters(ctx.device, qp)) {
    // The rule names flows as its filter sees them: translated, when NAT comes before it (ASA 8.3+, DNAT).
    for (const view of asSeenAt(ctx.device.nat, [qp.space], pathCtx, stage)) yield* broadRulesIn(scope, filter, stage, view);
  }
}

/** The broad permit rules of one filter that decide part of the query, as that filter sees the query. */
function* broadRulesIn(scope: Scope, filter: Filter, stage: number, view: SeenFlows): Generator<Hit> {
  const { ctx, qp } = scope;
  const pathCtx = pathContext(qp.path);
  for (const rule of candidateRules(filter, view.seen)) {
    if (!rule.enabled || rule.action.type !== 'permit' || !appliesTo(rule, pathCtx) || !mayBeBroad(scope, rule)) continue;
    const seenOwn = intersectFlows(view.seen, rule.match.flows);
    if (seenOwn.length === 0) continue;
    const outcomes = evaluatePath(ctx.device, qp.path.filters, view.back(seenOwn), pathCtx);
    const decided = outcomes.filter((o) => decidedBy(o, rule));
    if (decided.length === 0) continue;
    const flows = decided.flatMap((o) => o.flows);
    // Of the rule's match, what reaches the Edge: through this rule or an earlier one (the documented ports, say).
    const open = outcomes.filter((o) => o.decision === 'permit' || decidedBy(o, rule)).flatMap((o) => o.flows);
    const breadths = breadthOf(scope, rule, stage, flows, open);
    if (breadths.length === 0) continue;
    const d = decided[0]!.permittedBy.find((x) => x.rule === rule) ?? { filter, rule, via: [] };
    const redundant = decided.every((o) => o.uncertainty.length === 0) && standsInForDefault(ctx.device, qp.path, d, flows);
    const note = redundant ? `redundant: the default policy of ${d.filter.name} already permits these flows without it` : undefined;
    for (const breadth of breadths) yield { d, flows, breadth, ...(redundant ? { severity: 'info', note, redundant } : {}) };
  }
}

/**
 * Whether the rule decides flows to hosts beyond the Edge roles when the destination is not narrowed to the Edge:
 * the documented inbound ports it decides toward the Edge (`decided`), from this side to every other host behind
 * the firewall on this path, in the path's family. Evaluated rule by rule, narrowed to the rule's own match: one
 * evaluation of every destination through 100,000 rules would fragment without end.
 */
function decidesBeyondEdge({ ctx, qp, rows, edgeAddresses }: Scope, rule: Rule, stage: number, decided: readonly HeaderSpace[]): boolean {
  const pathCtx = pathContext(qp.path);
  const beyond = AddressSet.any(qp.family).subtract(edgeAddresses);
  const wide = rows.inbound.flatMap((r) => {
    const dport = decided.filter((h) => h.proto.overlaps(r.proto)).reduce((acc, h) => acc.union(h.dport), Ports.none()).intersect(r.dport);
    return dport.isEmpty() || beyond.isEmpty() ? [] : [{ ...r, dport, src: qp.space.src, dst: beyond }];
  });
  return asSeenAt(ctx.device.nat, wide, pathCtx, stage).some((view) => {
    const seenOwn = intersectFlows(view.seen, rule.match.flows);
    return seenOwn.length > 0 && evaluatePath(ctx.device, qp.path.filters, view.back(seenOwn), pathCtx).some((o) => decidedBy(o, rule));
  });
}

/** The rule permits these flows, or would if its uncertain match holds. */
function decidedBy(o: Outcome, rule: Rule): boolean {
  return (o.decision === 'permit' && o.permittedBy.some((d) => d.rule === rule)) || o.uncertainty.some((u) => u.rule === rule);
}

/**
 * Flows that reach an Edge without any rule letting them through: every filter on the path passed them by its
 * default, or a redundant rule did what the default would have. Only possible when the last filter's default
 * permits, so only then is the whole flow set evaluated.
 */
function* permittingDefaults(ctx: AuditContext, qp: QueryPath, inbound: boolean, redundant: readonly HeaderSpace[]): Generator<Hit> {
  const last = qp.path.filters[qp.path.filters.length - 1];
  if (!last || last.defaultAction !== 'permit') return;
  const outcomes = evaluatePath(ctx.device, qp.path.filters, [qp.space], pathContext(qp.path));
  const unfiltered = outcomes.filter((o) => o.decision === 'permit' && o.permittedBy.every((d) => !d.rule));
  const reached = [...unfiltered.flatMap((o) => o.flows), ...redundant];
  if (reached.length === 0) return;
  const d: Decider = unfiltered[0]?.decidedBy ?? { filter: last, via: [] };
  if (inbound) {
    yield { d, flows: reached, breadth: 'any service' };
    return;
  }
  // Outbound, a default that lets the Edge open TCP or UDP connections no rule names (Windows' default outbound
  // Allow, OUTPUT ACCEPT) is broader than the documented rows but does not expose the Edge: medium on a network
  // firewall, and on the Edge host itself info, since CIS hardening recommends exactly that default there.
  if (!reached.some((h) => h.proto.overlaps(TCP_UDP))) return;
  if (ctx.placement.deviceRole === 'edge-host') yield { d, flows: reached, breadth: 'any service', severity: 'info', note: `the host's outbound default Allow is what the ${CIS_OUTBOUND} recommends`, citation: CIS_OUTBOUND };
  else yield { d, flows: reached, breadth: 'any service', severity: 'medium' };
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

const TCP_UDP = Protocols.only(6, 17);

/**
 * Whether the rule's text leaves room for any breadth: a cheap test that spares the evaluation of the many rules that
 * name exactly the Edge, the Front End and a few ports. What the rule then decides is judged by `breadthOf`.
 */
function mayBeBroad({ ctx, rows, inbound, sideZone, edgeAddresses }: Scope, rule: Rule): boolean {
  const spaces = rule.match.flows;
  const frontEnd = ctx.roles.get('front-end');
  return (
    anyService(spaces) ||
    (inbound && ctx.placement.deviceRole === 'network-firewall' && reaches(rows.inbound, spaces) && spaces.some((h) => !h.dst.isSubsetOf(edgeAddresses))) ||
    (inbound && sideZone === 'internal' && frontEnd !== undefined && reaches(rows.internal, spaces) && spaces.some((h) => !h.src.isSubsetOf(frontEnd)))
  );
}

/**
 * The ways in which what the rule decides (`decided`, between this side and the Edge) is broader than the
 * documentation. Any service is always too broad toward an Edge: the rule decides part of its match, and with what
 * earlier rules already let through of it (`open`), every protocol or every port of one reaches the Edge. Any destination and any source count only for a
 * documented row's protocol and port (the inbound rows name the Edge address; the internal rows' "Any" stands for
 * the Front End pool): an ICMP rule or another service's rule is not a statement about the documented flows.
 * Any destination: the rule decides documented inbound flows to hosts beyond the Edge roles when the destination is
 * left open. Any source: it decides documented internal flows from hosts beyond the Front End.
 */
function breadthOf(scope: Scope, rule: Rule, stage: number, decided: readonly HeaderSpace[], open: readonly HeaderSpace[]): Breadth[] {
  const { ctx, rows, inbound, sideZone, edgeAddresses } = scope;
  const out: Breadth[] = [];
  if (anyService(open)) out.push('any service');
  if (inbound && ctx.placement.deviceRole === 'network-firewall' && reaches(rows.inbound, decided) && rule.match.flows.some((h) => !h.dst.isSubsetOf(edgeAddresses))) {
    if (decidesBeyondEdge(scope, rule, stage, decided)) out.push('any destination');
  }
  const frontEnd = ctx.roles.get('front-end');
  if (inbound && sideZone === 'internal' && frontEnd && intersectFlows(decided, rows.internal).some((h) => !h.src.isSubsetOf(frontEnd))) out.push('any source');
  return out;
}

/** Every protocol, or every port of a protocol that has ports: no service is singled out. */
function anyService(flows: readonly HeaderSpace[]): boolean {
  if (flows.reduce((acc, h) => acc.union(h.proto), Protocols.only()).isFull()) return true;
  return PORTED_PROTOCOLS.some((p) => flows.filter((h) => h.proto.has(BigInt(p))).reduce((acc, h) => acc.union(h.dport), Ports.none()).isFull());
}

/** The protocol and ports of the documented inbound and internal rows, as flow sets. */
interface DocumentedRows {
  readonly inbound: readonly HeaderSpace[];
  readonly internal: readonly HeaderSpace[];
}

/** One flow set per protocol (disjoint), any addresses: what the documented rows of a direction open. */
function documentedRows(ctx: AuditContext): DocumentedRows {
  const rows = (direction: 'inbound' | 'internal') => {
    const ports = new Map<'tcp' | 'udp', IntervalSet>();
    for (const r of ctx.packs.flatMap((p) => p.rules).filter((x) => x.direction === direction)) ports.set(r.protocol, (ports.get(r.protocol) ?? Ports.none()).union(portSet(r.ports)));
    return [...ports].map(([protocol, dport]) => headerSpace({ proto: tcpOrUdp(protocol), dport }));
  };
  return { inbound: rows('inbound'), internal: rows('internal') };
}

function reaches(rows: readonly HeaderSpace[], flows: readonly HeaderSpace[]): boolean {
  return rows.some((r) => flows.some((h) => h.proto.overlaps(r.proto) && h.dport.overlaps(r.dport)));
}

const SEVERITY: Record<Breadth, Severity> = { 'any service': 'high', 'any destination': 'medium', 'any source': 'low' };

function anyFinding(check: Check, ctx: AuditContext, hit: Hit, from: FlowEnd, to: FlowEnd): Finding {
  const { d, breadth, flows } = hit;
  const rule = d.rule;
  const reached = flows.reduce((acc, h) => ({ ...acc, proto: acc.proto.union(h.proto), dport: acc.dport.union(h.dport) }));
  const what = rule ? `line ${rule.origin.line} (${d.filter.name})` : `the default policy of ${d.filter.name}`;
  const fields = (pick: (h: HeaderSpace) => string[]) => (rule ? rule.match.flows.flatMap(pick) : ['any']);
  return finding({
    check: check.id,
    severity: hit.severity ?? SEVERITY[breadth],
    citation: hit.citation ?? check.cites,
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
    message: `${what} permits ${breadth} from ${from.role} to ${to.role}${to.addresses && !to.wholeInternet ? ` (${to.addresses.toString()})` : ''}: ${Protocols.format(reached.proto)} port ${Ports.format(reached.dport)}, where the documentation lists only specific ${breadth === 'any service' ? 'protocols and ports' : breadth === 'any destination' ? 'Edge addresses' : 'internal servers'}${hit.note ? `; ${hit.note}` : ''}.`,
    evidence: deciderEvidence(d, 'permit', ctx.device.file),
  });
}
