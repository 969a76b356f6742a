import { AddressSet, type Family } from '../model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols, subtractFlows, type HeaderSpace } from '../model/header-space.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { Device, NatRule, Origin } from '../model/rule-graph.js';
import { asArriving, publishedPorts } from '../engine/nat.js';
import type { Zone } from '../model/zone.js';
import { evaluatePath, type Decider, type Outcome, type Uncertainty } from '../engine/evaluate.js';
import type { PathContext } from '../engine/path-context.js';
import { isOnDevice, pathsBetween, type Path, type Placement } from '../engine/topology.js';

/** One end of a documented or probed flow: a role, the zone it lives in, and its addresses (absent = any host there). */
export interface FlowEnd {
  readonly role: string;
  readonly zone: Zone;
  readonly addresses?: AddressSet;
  /** `addresses` is the whole Internet as the audit defines it, not a list the profile gave. */
  readonly wholeInternet?: boolean;
}

export interface FlowQuery {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly protocols: IntervalSet;
  readonly dport: IntervalSet;
  readonly sport?: IntervalSet;
  /** Also the ports under which NAT publishes `dport` (a port forward of 8443 to 23456): "can the Internet reach it at all". */
  readonly viaPublishedPorts?: boolean;
}

export interface PathEvaluation {
  readonly path: Path;
  readonly family: Family;
  readonly outcomes: Outcome[];
  /** NAT rules through which a role named by its real address was reached at its published one. */
  readonly published: readonly NatRule[];
}

export interface FlowEvaluation {
  readonly query: FlowQuery;
  readonly paths: PathEvaluation[];
  /** Why parts of the query were not evaluated (a family the export does not cover). */
  readonly notEvaluated: string[];
  /** The line that turns the device's firewall off, when it does: every path then passes unfiltered. */
  readonly firewallOff?: Origin;
}

/** One path a query takes through the device, with the query's header space in that path's address family. */
export interface QueryPath {
  readonly path: Path;
  readonly family: Family;
  /** The flows as they arrive on this path (a role named by its real address is reached at its published one). */
  readonly space: HeaderSpace;
  /** The NAT rules that made `space` differ from the roles' addresses as the profile gives them. */
  readonly published: readonly NatRule[];
}

/**
 * The paths a role-to-role flow takes through a device: one header space per address family the export covers,
 * sent along every path between the two zones. Families the export lacks are named in `notEvaluated`.
 */
export function queryPaths(device: Device, placement: Placement, query: FlowQuery): { paths: QueryPath[]; notEvaluated: string[] } {
  const paths: QueryPath[] = [];
  const notEvaluated: string[] = [];
  for (const family of familiesOf(query)) {
    const name = family === 'ipv4' ? 'IPv4' : 'IPv6';
    if (!device.families.includes(family)) {
      notEvaluated.push(`${name} addresses of ${describeEnds(query)}: the export has no ${name} rules`);
      continue;
    }
    const space = headerSpace({
      family,
      src: query.from.addresses?.only(family) ?? AddressSet.any(family),
      dst: query.to.addresses?.only(family) ?? AddressSet.any(family),
      proto: query.protocols,
      dport: query.dport,
      ...(query.sport ? { sport: query.sport } : {}),
    });
    const from = { zone: query.from.zone, local: isOnDevice(placement, query.from.zone) };
    const to = { zone: query.to.zone, local: isOnDevice(placement, query.to.zone) };
    for (const path of pathsBetween(device, placement, from, to, family)) paths.push({ path, family, ...arriving(device, query, path, space) });
  }
  return { paths, notEvaluated };
}

/**
 * The query as its packets arrive on a path: where the profile names a role by the real address behind a NAT rule
 * that applies on this path, the far side reaches it at the mapped address. A rule without an interface test
 * (iptables `-d PUBLIC -j DNAT`) is taken to publish to the Internet only; inside, the real address is used as is.
 */
function arriving(device: Device, query: FlowQuery, path: Path, space: HeaderSpace): { space: HeaderSpace; published: NatRule[] } {
  if (device.nat.length === 0) return { space, published: [] };
  const ctx = pathContext(path);
  const publishedTo = (zone: Zone) => (rule: NatRule) => rule.match.inInterface !== undefined || zone === 'internet';
  const dst = query.to.addresses ? asArriving(device.nat, 'destination', space.dst, ctx, publishedTo(query.from.zone)) : { addresses: space.dst, rules: [] };
  const src = query.from.addresses ? asArriving(device.nat, 'source', space.src, ctx, publishedTo(query.to.zone)) : { addresses: space.src, rules: [] };
  const arrived = { ...space, dst: dst.addresses, src: src.addresses };
  const ports = query.viaPublishedPorts ? publishedPorts(device.nat, arrived, ctx, publishedTo(query.from.zone)) : { dport: arrived.dport, rules: [] };
  return { space: { ...arrived, dport: ports.dport }, published: [...dst.rules, ...src.rules, ...ports.rules] };
}

export function pathContext(path: Path): PathContext {
  return { ...(path.in ? { in: path.in } : {}), ...(path.out ? { out: path.out } : {}) };
}

/** Evaluates a role-to-role flow along every path it takes through the device. */
export function evaluateFlow(device: Device, placement: Placement, query: FlowQuery): FlowEvaluation {
  const { paths, notEvaluated } = queryPaths(device, placement, query);
  return {
    query,
    paths: paths.map(({ path, family, space, published }) => ({ path, family, published, outcomes: evaluatePath(device, path.filters, [space], pathContext(path)) })),
    notEvaluated,
    ...(device.firewallOff ? { firewallOff: device.firewallOff } : {}),
  };
}

/** The families to evaluate: those both ends have addresses in (an end without addresses fits any family). */
function familiesOf(q: FlowQuery): Family[] {
  const fams = (end: FlowEnd): Family[] => end.addresses?.families() ?? ['ipv4', 'ipv6'];
  const to = fams(q.to);
  return fams(q.from).filter((f) => to.includes(f));
}

function describeEnds(q: FlowQuery): string {
  return `${q.from.role} → ${q.to.role}`;
}

/** A blocked or uncertain part of a flow, with the rule (or default) that decided it. */
export interface DecidedPart {
  readonly flows: HeaderSpace[];
  readonly decidedBy?: Decider;
  readonly uncertainty: readonly Uncertainty[];
  readonly path: Path;
  /** The NAT rules the flows passed through, and those by which a role named by its real address was reached. */
  readonly translations: readonly NatRule[];
  /** Who let the flows through each filter before (and, for permits, at) the deciding one. */
  readonly permittedBy: readonly Decider[];
  /** The line that turns the firewall off, when the flows passed no filter because of it: what opens them. */
  readonly firewallOff?: Origin;
}

/**
 * Parts some rule lets through. A part that every filter passes by its default policy alone (or that meets no
 * filter: a firewall turned off) is one open door, reported once by any-rule or firewall-disabled, not once per
 * documented row it happens to cover.
 */
export function openedByRules(parts: readonly DecidedPart[]): DecidedPart[] {
  return parts.filter((p) => p.permittedBy.some((d) => d.rule));
}

export type FlowStatus = 'satisfied' | 'partial' | 'missing' | 'uncertain' | 'not-on-path';

export interface FlowVerdict {
  readonly status: FlowStatus;
  /** Permitted for certain, with the rules that let it through. */
  readonly permitted: DecidedPart[];
  /** Denied for certain, with the rule or default that blocks it. */
  readonly denied: DecidedPart[];
  /** Verdicts that depend on uncertain rules or on which interface the flow uses. */
  readonly uncertain: DecidedPart[];
  readonly notes: string[];
}

/**
 * What a flow evaluation means for a flow that must be open. Paths of a placed device are all real (two
 * Internet uplinks both carry partner traffic), so each must permit it; paths guessed for a device whose
 * interfaces are unknown are alternatives, so disagreement between them is uncertainty, not a gap.
 */
export function verdictOf(evaluation: FlowEvaluation): FlowVerdict {
  const permitted: DecidedPart[] = [];
  const denied: DecidedPart[] = [];
  const uncertain: DecidedPart[] = [];
  const notes = [...evaluation.notEvaluated];
  // No path because the export lacks the flow's address family is not the same as a flow that never crosses the device.
  if (evaluation.paths.length === 0) return { status: notes.length > 0 ? 'uncertain' : 'not-on-path', permitted, denied, uncertain, notes };

  const published = [...new Set(evaluation.paths.flatMap((p) => p.published))];
  if (published.length > 0) {
    const where = published.map((r) => `${r.origin.file}:${r.origin.line}`).join(', ');
    notes.push(`evaluated with the addresses packets carry on arrival, which the profile's addresses are translated from or to (${where})`);
  }
  const off = evaluation.firewallOff;
  if (off) notes.push(`open because the firewall is turned off (${off.file}:${off.line}): no rule filters it`);
  const assumed = evaluation.paths.some((p) => p.path.assumed);
  for (const pe of evaluation.paths) {
    for (const o of pe.outcomes) {
      const translations = [...new Set([...pe.published, ...o.translations])];
      const part: DecidedPart = {
        flows: o.flows,
        ...(o.decidedBy ? { decidedBy: o.decidedBy } : {}),
        uncertainty: o.uncertainty,
        path: pe.path,
        translations,
        permittedBy: o.permittedBy,
        ...(evaluation.firewallOff ? { firewallOff: evaluation.firewallOff } : {}),
      };
      if (o.uncertainty.length > 0) uncertain.push(part);
      else if (o.decision === 'permit') permitted.push(part);
      else denied.push(part);
    }
  }
  if (assumed && denied.length > 0 && permitted.length > 0) {
    // Permitted through one guessed interface and denied through another: which one is real decides.
    notes.push('the verdict differs by interface, and the profile does not say which interface faces which zone');
    const reason = 'which interface the flow uses (map interfaces to zones in the site profile)';
    return { status: 'uncertain', permitted, denied: [], uncertain: [...uncertain, ...denied.map((d) => ({ ...d, uncertainty: [{ reason }] }))], notes };
  }
  const status: FlowStatus =
    denied.length > 0 ? (permitted.length > 0 || uncertain.length > 0 ? 'partial' : 'missing') : uncertain.length > 0 ? 'uncertain' : 'satisfied';
  return { status, permitted, denied, uncertain, notes };
}

/**
 * Whether the device lets any of the flow through: true when some part is permitted for certain, null when that
 * depends on what edge-audit cannot evaluate exactly, false when none of it passes (denied, or off the device's paths).
 */
export function flowOpen(verdict: FlowVerdict): boolean | null {
  if (verdict.permitted.length > 0) return true;
  return verdict.uncertain.length > 0 || verdict.status === 'uncertain' ? null : false;
}

/**
 * Which end alone the firewall narrowed, when the permitted parts still reach the rest of the documented flow from
 * (or to) at least one host: the sources (to known federation partners, say), or, toward the Internet, the
 * destinations (to one partner's network). The documentation says "Any" there; a narrower choice is deliberate and
 * safer, not a broken service.
 */
export function narrowedEnd(verdict: FlowVerdict, query: FlowQuery): 'sources' | 'destinations' | undefined {
  if (onlyThisNarrowed(verdict, (h) => ({ ...h, src: AddressSet.any(), sport: Ports.any() }))) return 'sources';
  if (query.to.zone === 'internet' && onlyThisNarrowed(verdict, (h) => ({ ...h, dst: AddressSet.any() }))) return 'destinations';
  return undefined;
}

function onlyThisNarrowed(verdict: FlowVerdict, widen: (h: HeaderSpace) => HeaderSpace): boolean {
  if (verdict.permitted.length === 0) return false;
  const wanted = verdict.denied.flatMap((d) => d.flows.map(widen));
  const reached = verdict.permitted.flatMap((p) => p.flows.map(widen));
  return subtractFlows(wanted, reached).length === 0 && intersectFlows(wanted, reached).length > 0;
}

export function tcpOrUdp(protocol: 'tcp' | 'udp'): IntervalSet {
  return Protocols.only(protocol === 'tcp' ? 6 : 17);
}
