import type { AuditContext } from '../audit/context.js';
import { describeQuery, type EvaluatedRequirement } from '../audit/requirements.js';
import { fingerprint, uniqueEvidence, type Evidence, type Finding, type FlowDescription, type Severity } from '../audit/result.js';

/** What every check sees: the device in its site, and the documented flows already evaluated once for all checks. */
export interface CheckInput {
  readonly ctx: AuditContext;
  readonly requirements: readonly EvaluatedRequirement[];
}

/** A self-describing check, in the manner of an ESLint rule: its id, what it looks for, how bad, and on what authority. */
export interface Check {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly defaultSeverity: Severity;
  /** The documentation the check applies. */
  readonly cites: string;
  run(input: CheckInput): Finding[];
}

export function finding(f: Omit<Finding, 'id'>): Finding {
  return { id: fingerprint(f.check, f.requirement, f.flow), ...f };
}

export function citationOf(r: EvaluatedRequirement): string {
  const s = r.requirement.rule.source;
  return `TechNet ${s.technetId}, "${s.table}", row ${s.row}`;
}

/**
 * A finding about one documented requirement: requirement id, citation, file and flow come from it.
 * `message` gets the flow in words ("TCP 5269 internet → access-edge"); `flow` overrides the documented one
 * (a reversed flow, say).
 */
export function requirementFinding(
  check: Check,
  ctx: AuditContext,
  r: EvaluatedRequirement,
  f: { severity?: Severity; flow?: FlowDescription; message: (flowText: string) => string; evidence: Iterable<Evidence> },
): Finding {
  const { rule } = r.requirement;
  const flow = f.flow ?? (r.query ? describeQuery(r.query) : { protocol: rule.protocol, from: rule.from, to: rule.to, src: ['?'], dst: ['?'], dport: rule.ports.join(',') });
  return finding({
    check: check.id,
    severity: f.severity ?? check.defaultSeverity,
    requirement: r.requirement.id,
    citation: citationOf(r),
    file: ctx.device.file,
    flow,
    message: f.message(`${flow.protocol.toUpperCase()} ${flow.dport} ${flow.from} → ${flow.to}`),
    evidence: uniqueEvidence(f.evidence),
  });
}
