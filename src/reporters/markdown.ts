import { REQUIREMENT_STATUSES, SEVERITIES } from '../audit/result.js';
import type { Report, ReportFinding, ReportInput, ReportRequirement } from '../report/report.js';
import { findingsOf, flowText, lineRef, ofInput, partitionLabel, ruleSetsText, runNotes, sharedFindings, waiverText } from './common.js';
import { withControlsEscaped } from './control-chars.js';

/**
 * A review document (a pull-request comment, a change ticket): what was audited and under which assumptions, the
 * requirement matrix, the findings with the configuration lines they rest on, and what edge-audit did not understand.
 */
export function formatMarkdown(given: Report): string {
  const report = withControlsEscaped(given); // a review read in a terminal or pasted into a ticket carries no control character
  const s = report.summary;
  const out = [
    '# edge-audit report',
    '',
    `edge-audit ${md(report.tool.version)}, ${s.inputs} input(s), ${s.findings.total} finding(s)${report.waivers ? ` (${report.waivers.waived} waived)` : ''}${s.highestSeverity ? `, highest severity **${s.highestSeverity}**` : ''}.`,
    '',
    '## Summary',
    '',
    `- Inputs: ${report.inputs.map((i) => code(i.file)).join(', ') || 'none'}`,
    `- Findings: ${SEVERITIES.map((k) => `${s.findings[k]} ${k}`).join(', ')}`,
    `- Requirements: ${REQUIREMENT_STATUSES.map((k) => `${s.requirements[k]} ${k}`).join(', ')}`,
    `- Profile: ${report.profile.files.map(code).join(', ') || 'none'}${report.profile.inferred ? '; some values inferred from the configuration' : ''}`,
    ...runNotes(report).map((n) => `- ${md(n)}`),
  ];
  for (const input of report.inputs) out.push('', ...inputSection(report, input));
  return `${out.join('\n')}\n`;
}

function inputSection(report: Report, input: ReportInput): string[] {
  const c = input.context;
  const pairs = <V>(o: Readonly<Record<string, V>>, f: (v: V) => string) => Object.entries(o).map(([k, v]) => `${md(k)} ${f(v)}`).join('; ') || 'none';
  const out = [
    `## ${code(input.file)}${partitionLabel(input) ? ` (${md(partitionLabel(input)!)})` : ''}`,
    '',
    `- Device: ${code(input.device)}, ${md(input.vendor)}, ${input.rules} rules, ${input.families.join(' + ') || 'no address family'}`,
    `- Profile: ${c.profileFile ? code(c.profileFile) : 'none'}${c.inferences.length > 0 ? '; what it leaves open was inferred (see *Inferred*)' : ''}`,
    `- Device role: ${md(c.deviceRole)}`,
    `- Roles: ${pairs(c.roles, (v) => `= ${v.map(md).join(', ')}`)}`,
    `- Interfaces: ${pairs(c.interfaces, (v) => `→ ${md(v)}`)}`,
    `- Packs: ${c.packs.map(md).join(', ') || 'none'}`,
    `- Features: ${pairs(c.features, (v) => (v ? 'on' : 'off'))}`,
    `- The Internet: every address except those listed under *The Internet*`,
  ];
  out.push('', '### The Internet', '', 'Every address except:', '', ...c.internet.excluded.map((x) => `- ${md(x.what)}: ${x.addresses.map(code).join(', ')}`));
  if (c.inferences.length > 0) {
    out.push('', '### Inferred', '');
    for (const i of c.inferences) out.push(...evidenceBlock(`${code(i.field)} = ${md(i.value)}: ${md(i.reason)}`, i.evidence, input.file));
  }

  out.push('', '### Requirements', '', '| requirement | flow | status | deciding rules |', '|---|---|---|---|');
  for (const r of ofInput(report.requirements, input)) {
    const deciding = r.evidence.filter((e) => e.effect !== 'context').map((e) => code(lineRef(e)));
    out.push(row([code(r.id), r.flow ? md(flowText(r.flow)) : '', status(r), deciding.join(', ') || '—']));
  }

  out.push('', '### Findings', '');
  const findings = findingsOf(report.findings, input);
  const shared = sharedFindings(report.findings, input);
  if (findings.length === 0 && shared.length === 0) out.push('No findings.', '');
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`#### ${severity[0]!.toUpperCase()}${severity.slice(1)} (${group.length})`, '');
    for (const f of group) out.push(...findingBlock(report, f, input.file));
  }
  if (shared.length > 0) {
    out.push(`Also found in this rule set, each shown once under the first rule set it is found in: ${shared.map((f) => `${code(f.id)} (${md(f.check)}, ${md(ruleSetsText(report, f)!)})`).join(', ')}.`, '');
  }

  out.push('### Diagnostics', '', 'What the reader did not understand (warning) or recognized and ignored (info).', '');
  if (input.diagnostics.length === 0) out.push('None: every line was modelled.');
  for (const d of input.diagnostics) out.push(`- line ${d.line} (${d.level}): ${md(d.message)}`);
  return out;
}

function status(r: ReportRequirement): string {
  const { label, failing } = r.state;
  return `${failing ? `**${md(label)}**` : md(label)}${r.waiver ? ' (waived)' : ''}`;
}

function findingBlock(report: Report, f: ReportFinding, inputFile: string): string[] {
  const lead = [`**${md(f.check)}** (${code(f.id)}): ${md(f.message)}`];
  if (f.partitions && f.partitions.length > 1) lead.push(`Found alike in ${md(ruleSetsText(report, f)!)}`);
  if (f.requirement || f.citation) lead.push(`Requirement: ${[f.requirement && code(f.requirement), f.citation && md(f.citation)].filter(Boolean).join(', ')}`);
  if (f.waiver) lead.push(`${f.waiver.status === 'active' ? '*Waived*' : '**Waiver expired**'}: ${md(waiverText(f.waiver))}`);
  return evidenceBlock(lead.join('  \n'), f.evidence, inputFile);
}

/** A paragraph, then the configuration lines it rests on, verbatim, as `line: text` (`file:line: text` from another file). */
function evidenceBlock(lead: string, evidence: readonly { readonly file: string; readonly line: number; readonly text: string }[], inputFile: string): string[] {
  const lines = evidence.map((e) => `${e.file === inputFile ? e.line : lineRef(e)}: ${e.text}`);
  if (lines.length === 0) return [lead, ''];
  // A fence longer than any run of backticks in the lines, so no configuration text can close it early.
  const fence = '`'.repeat(Math.max(3, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length + 1))));
  return [lead, '', fence, ...lines, fence, ''];
}

/** A table row: `|` inside a cell is escaped (also inside code spans, as GFM requires), line breaks become <br>. */
function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|').replace(/\r?\n|\r/g, '<br>')).join(' | ')} |`;
}

/** Prose from the report: characters Markdown would read as formatting are escaped. */
function md(s: string): string {
  return s.replace(/[\\`*_[\]<>~#]/g, (c) => `\\${c}`);
}

/** A code span that holds any text: delimited by more backticks than it contains, padded when it starts or ends with one. */
function code(s: string): string {
  const ticks = '`'.repeat(Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}
