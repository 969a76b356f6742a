import { Ports, Protocols } from '../model/header-space.js';
import type { IntervalSet } from '../model/interval-set.js';
import { isOnDevice } from '../engine/topology.js';
import type { PackRule, PolicyPack, PortSpec } from '../policy/pack.js';
import { roleEnd, type AuditContext } from './context.js';
import { evaluateFlow, flowOpen, tcpOrUdp, verdictOf, type FlowEvaluation, type FlowQuery, type FlowVerdict } from './flow-query.js';
import type { FlowDescription, RequirementStatus } from './result.js';

/** One documented rule to audit. A row that several selected packs document is audited once, under the first pack's id. */
export interface Requirement {
  /** `pack/rule`, stable across releases: reports and baselines key on it. */
  readonly id: string;
  readonly pack: PolicyPack;
  readonly rule: PackRule;
  /** The same row's id in the other selected packs. */
  readonly alsoIn: readonly string[];
}

export interface EvaluatedRequirement {
  readonly requirement: Requirement;
  readonly status: RequirementStatus;
  readonly reason: string;
  readonly query?: FlowQuery;
  readonly evaluation?: FlowEvaluation;
  readonly verdict?: FlowVerdict;
  /** Set when the rule is met through one of its documented alternative forms. */
  readonly satisfiedBy?: string;
}

export function requirementsOf(packs: readonly PolicyPack[]): Requirement[] {
  const bySignature = new Map<string, { id: string; pack: PolicyPack; rule: PackRule; alsoIn: string[] }>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const signature = JSON.stringify([rule.id, rule.protocol, rule.ports, rule.sourcePorts ?? [], rule.from, rule.to]);
      const id = `${pack.id}/${rule.id}`;
      const first = bySignature.get(signature);
      if (first) first.alsoIn.push(id);
      else bySignature.set(signature, { id, pack, rule, alsoIn: [] });
    }
  }
  return [...bySignature.values()];
}

export function portSet(specs: readonly PortSpec[]): IntervalSet {
  return Ports.of(specs.map((s) => (typeof s === 'number' ? [s, s] : s)));
}

export function queryOf(ctx: AuditContext, rule: Pick<PackRule, 'from' | 'to' | 'protocol' | 'ports' | 'sourcePorts'>): FlowQuery {
  return {
    from: roleEnd(ctx, rule.from),
    to: roleEnd(ctx, rule.to),
    protocols: tcpOrUdp(rule.protocol),
    dport: portSet(rule.ports),
    ...(rule.sourcePorts ? { sport: portSet(rule.sourcePorts) } : {}),
  };
}

export function describeQuery(q: FlowQuery): FlowDescription {
  const addrs = (a: FlowQuery['from']) => (a.wholeInternet ? ['internet'] : a.addresses ? a.addresses.toStrings() : ['any']);
  return {
    protocol: Protocols.format(q.protocols),
    from: q.from.role,
    to: q.to.role,
    src: addrs(q.from),
    dst: addrs(q.to),
    dport: Ports.format(q.dport),
    ...(q.sport ? { sport: Ports.format(q.sport) } : {}),
  };
}

/** A conditional row none of whose features this site has. */
export function isFeatureOff(ctx: AuditContext, rule: PackRule): boolean {
  return rule.condition !== undefined && !rule.condition.features.some((f) => ctx.features[f]);
}

export function evaluateRequirement(ctx: AuditContext, requirement: Requirement): EvaluatedRequirement {
  const { rule } = requirement;
  if (isFeatureOff(ctx, rule) && !rule.obsoleteSince) {
    const off = rule.condition!.features.join(' / ');
    return { requirement, status: 'not-applicable', reason: `${off} is not enabled for this site (${rule.condition!.text})` };
  }
  const unknownRole = [rule.from, rule.to].find((r) => !ctx.roles.has(r) && ctx.roleZones.get(r) !== 'internet' && !isOnDevice(ctx.placement, ctx.roleZones.get(r)!));
  if (unknownRole) {
    return { requirement, status: 'uncertain', reason: `the addresses of role ${unknownRole} are unknown: give them in the site profile` };
  }
  const query = queryOf(ctx, rule);
  const evaluation = evaluateFlow(ctx.device, ctx.placement, query);
  const verdict = verdictOf(evaluation);
  const base = { requirement, query, evaluation, verdict };
  if (rule.obsoleteSince) {
    const openness = flowOpen(verdict);
    const open = openness === null ? 'may still be open' : openness ? 'still open' : 'closed';
    return { ...base, status: 'obsolete', reason: [`documented flow obsolete since ${rule.obsoleteSince}; ${open}`, ...verdict.notes].join('; ') };
  }
  if (verdict.status === 'not-on-path') {
    return { ...base, status: 'not-applicable', reason: `the flow ${rule.from} → ${rule.to} does not cross this device` };
  }
  if (verdict.status !== 'satisfied') {
    for (const alt of rule.alternatives ?? []) {
      const altVerdict = verdictOf(evaluateFlow(ctx.device, ctx.placement, queryOf(ctx, { ...rule, ...alt })));
      if (altVerdict.status === 'satisfied') return { ...base, verdict: altVerdict, status: 'satisfied', reason: `met by the documented alternative: ${alt.note}`, satisfiedBy: alt.note };
    }
  }
  const reason = {
    satisfied: 'permitted for every documented source, destination and port',
    partial: 'permitted only in part',
    missing: 'not permitted',
    uncertain: 'the verdict depends on rules or inputs edge-audit cannot evaluate exactly',
  }[verdict.status];
  return { ...base, status: verdict.status, reason: [reason, ...verdict.notes].join('; ') };
}
