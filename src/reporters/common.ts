import type { Evidence, FlowDescription } from '../audit/result.js';
import { obsoleteFlow } from '../checks/obsolete-flow.js';
import type { FindingWaiver, Report, ReportFinding, ReportInput, ReportRequirement } from '../report/report.js';

/** Phrasing shared by the reporters, so a finding reads the same in each. */

/** `TCP 5269 internet → access-edge`: a flow as the documentation tables name it. */
export function flowText(flow: FlowDescription): string {
  return `${flow.protocol.toUpperCase()} ${flow.dport} ${flow.from} → ${flow.to}`;
}

/**
 * Evidence for a default no line declares (an ACL's implicit deny): its text describes it, in parentheses, and its
 * line is the filter's header (see deciderEvidence in src/audit/result.ts).
 */
export function isImplicit(e: Evidence): boolean {
  return /^\(implicit (permit|deny) at the end of /.test(e.text);
}

/** `file:line`, the form editors and CI logs turn into a link. */
export function lineRef(e: { readonly file: string; readonly line: number }): string {
  return `${e.file}:${e.line}`;
}

/**
 * What a finding answers to: `requirement <id> (<citation>)`. Undefined for findings about a rule rather than a
 * documented row (an "any" rule, an internal-only port no row of the selected packs documents).
 */
export function authorityText(f: ReportFinding): string | undefined {
  if (f.requirement) return f.citation ? `requirement ${f.requirement} (${f.citation})` : `requirement ${f.requirement}`;
  return f.citation;
}

/** `VDOM root`, `profile Public`: which of the rule sets an export holds an input is; undefined when it holds one. */
export function partitionLabel(input: ReportInput): string | undefined {
  const p = input.partition;
  return p && `${p.kind === 'vdom' ? 'VDOM' : 'profile'} ${p.name}`;
}

/** `fw.rules`, or `fw.conf (VDOM root)`. */
export function inputName(input: ReportInput): string {
  const label = partitionLabel(input);
  return label ? `${input.file} (${label})` : input.file;
}

/** The items of a report that belong to one input: its file and, where the export holds several rule sets, its own. */
export function ofInput<T extends { readonly file: string; readonly partition?: string }>(items: readonly T[], input: ReportInput): T[] {
  return items.filter((x) => x.file === input.file && x.partition === input.partition?.name);
}

/**
 * The obsolete-flow finding that keeps an obsolete requirement open, if any. The report's status says only
 * `obsolete`; whether the flow is still permitted is what this finding records.
 */
export function openObsoleteFinding(report: Report, r: ReportRequirement): ReportFinding | undefined {
  if (r.status !== 'obsolete') return undefined;
  return report.findings.find((f) => f.check === obsoleteFlow.id && f.requirement === r.id && f.file === r.file && f.partition === r.partition);
}

/**
 * A requirement's status as the review documents word it: an obsolete row says whether it is still open, and a
 * failing row whose findings are all waived says so.
 */
export function requirementStatus(report: Report, r: ReportRequirement): { readonly label: string; readonly failing: boolean; readonly waived: boolean } {
  const failing = r.status === 'obsolete' ? openObsoleteFinding(report, r) !== undefined : FAILING_STATUSES.has(r.status);
  const label = r.status === 'obsolete' ? (failing ? 'obsolete, still open' : 'obsolete, closed') : r.status;
  return { label, failing, waived: failing && requirementWaiver(report, r) !== undefined };
}

const FAILING_STATUSES: ReadonlySet<string> = new Set(['partial', 'missing', 'uncertain']);

/** A finding that counts: not covered by an active waiver (an expired waiver re-opens it). */
export function isOpen(f: ReportFinding): boolean {
  return f.waiver?.status !== 'active';
}

/**
 * The waiver under which a failing requirement is accepted: when the findings about it all carry an active waiver
 * (the first one's is shown). Undefined when any of them is open, or when there is none.
 */
export function requirementWaiver(report: Report, r: ReportRequirement): FindingWaiver | undefined {
  const about = report.findings.filter((f) => f.requirement === r.id && f.file === r.file && f.partition === r.partition);
  if (about.length === 0 || about.some(isOpen)) return undefined;
  return about[0]!.waiver;
}

/** One line on a waiver: who accepted the finding, until when, why — or that the acceptance has lapsed. */
export function waiverText(w: FindingWaiver): string {
  const where = `${w.source.file}, entry ${w.source.entry}`;
  return w.status === 'active'
    ? `waived until ${w.expires} by ${w.approvedBy} (${where}): ${w.justification}`
    : `waiver expired on ${w.expires} (approved by ${w.approvedBy}, ${where}): the finding counts again; it said: ${w.justification}`;
}

/** What a reader must know about the run besides its findings (baseline, waivers, skipped files, warnings), one sentence each. */
export function runNotes(report: Report): string[] {
  const notes: string[] = [];
  const b = report.baseline;
  if (b) notes.push(`Baseline ${b.file}: ${b.suppressed} known finding(s) left out of this report.`);
  const w = report.waivers;
  if (w) {
    notes.push(`Waivers (${w.files.join(', ')}) as of ${w.evaluatedOn}: ${w.waived} finding(s) waived, ${w.expired} re-opened by an expired waiver, ${w.unused} waiver(s) matching no finding.`);
  }
  for (const s of report.skipped) notes.push(`Skipped ${s.file}: ${s.reason}.`);
  for (const warning of report.warnings) notes.push(`Warning: ${warning}.`);
  return notes;
}
