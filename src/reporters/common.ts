import type { Finding, FlowDescription } from '../audit/result.js';
import { obsoleteFlow } from '../checks/obsolete-flow.js';
import type { Report, ReportRequirement } from '../report/report.js';

/** Phrasing shared by the SARIF, JUnit and Markdown reporters, so a finding reads the same in each. */

/** `TCP 5269 internet → access-edge`: a flow as the documentation tables name it. */
export function flowText(flow: FlowDescription): string {
  return `${flow.protocol.toUpperCase()} ${flow.dport} ${flow.from} → ${flow.to}`;
}

/** `file:line`, the form editors and CI logs turn into a link. */
export function lineRef(e: { readonly file: string; readonly line: number }): string {
  return `${e.file}:${e.line}`;
}

/**
 * What a finding answers to: `requirement <id> (<citation>)`. Undefined for findings about a rule rather than a
 * documented row (an "any" rule, an internal-only port no row of the selected packs documents).
 */
export function authorityText(f: Finding): string | undefined {
  if (f.requirement) return f.citation ? `requirement ${f.requirement} (${f.citation})` : `requirement ${f.requirement}`;
  return f.citation;
}

/** The items of a report that belong to one input file. */
export function ofInput<T extends { readonly file: string }>(items: readonly T[], file: string): T[] {
  return items.filter((x) => x.file === file);
}

/**
 * The obsolete-flow finding that keeps an obsolete requirement open, if any. The report's status says only
 * `obsolete`; whether the flow is still permitted is what this finding records.
 */
export function openObsoleteFinding(report: Report, r: ReportRequirement): Finding | undefined {
  if (r.status !== 'obsolete') return undefined;
  return report.findings.find((f) => f.check === obsoleteFlow.id && f.requirement === r.id && f.file === r.file);
}
