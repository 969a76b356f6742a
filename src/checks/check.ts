import type { AuditContext } from '../audit/context.js';
import type { EvaluatedRequirement } from '../audit/requirements.js';
import { fingerprint, type Finding, type Severity } from '../audit/result.js';

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
