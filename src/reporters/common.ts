import type { FlowDescription } from '../audit/result.js';
import type { FindingWaiver, Report, ReportFinding, ReportInput } from '../report/report.js';

/** Phrasing shared by the reporters, so a finding reads the same in each. */

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

/** The requirements of one input: its file and, where the export holds several rule sets, its own. */
export function ofInput<T extends { readonly file: string; readonly partition?: string }>(items: readonly T[], input: ReportInput): T[] {
  return items.filter((x) => x.file === input.file && x.partition === input.partition?.name);
}

/**
 * The findings shown under one input: those of its file, and of its rule set when the export holds several. A
 * finding found alike in several rule sets is shown once, under the first (see sharedFindings for the others).
 */
export function findingsOf(findings: readonly ReportFinding[], input: ReportInput): ReportFinding[] {
  return findings.filter((f) => f.file === input.file && f.partitions?.[0] === input.partition?.name);
}

/** The findings of this input's rule set shown under an earlier rule set of the same export, which they are found in too. */
export function sharedFindings(findings: readonly ReportFinding[], input: ReportInput): ReportFinding[] {
  const name = input.partition?.name;
  return name === undefined ? [] : findings.filter((f) => f.file === input.file && f.partitions?.[0] !== name && f.partitions?.includes(name));
}

/** `profiles Domain, Private, Public`, `VDOM root`: the rule sets a finding is found in; undefined when its export holds one. */
export function ruleSetsText(report: Report, f: ReportFinding): string | undefined {
  const names = f.partitions;
  if (!names) return undefined;
  const kind = report.inputs.find((i) => i.file === f.file && i.partition)?.partition?.kind;
  const noun = kind === 'vdom' ? 'VDOM' : 'profile';
  return `${names.length > 1 ? `${noun}s` : noun} ${names.join(', ')}`;
}

/** A finding that counts: not covered by an active waiver (an expired waiver re-opens it). */
export function isOpen(f: ReportFinding): boolean {
  return f.waiver?.status !== 'active';
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
