import Table from 'cli-table3';
import { SEVERITIES, type Severity } from '../audit/result.js';
import type { Report, ReportRequirement } from '../report/report.js';
import { flowText, inputName, ofInput, ruleSetsText, runNotes, waiverText } from './common.js';
import type { FormatOptions } from './index.js';
import { withControlsEscaped } from './control-chars.js';

/**
 * SGR codes: red, yellow, green, magenta, cyan, dim; bold red for what is critical. A failing row red (partial yellow,
 * uncertain magenta), a passing one green, dim when not applicable.
 */
const FAILING_COLOR: Partial<Record<ReportRequirement['status'], string>> = { partial: '33', uncertain: '35' };

/** The requirement's state: in capitals when it fails, so it stands out without colour too. */
function statusCell(r: ReportRequirement, paint: (code: string, text: string) => string): string {
  const { label, failing } = r.state;
  const text = `${failing ? label.toUpperCase() : label}${r.waiver ? ' (waived)' : ''}`;
  return paint(failing ? (FAILING_COLOR[r.status] ?? '31') : r.status === 'not-applicable' ? '2' : '32', text);
}
const SEVERITY_COLOR: Record<Severity, string> = { critical: '1;31', high: '31', medium: '33', low: '36', info: '2' };

/**
 * The most of a cell's text the table shows: characters a line, lines a cell. cli-table3 wraps and truncates a line by
 * measuring it again for each character it drops, which is quadratic in the line's length (a FortiGate policy naming
 * 300 address objects took minutes). So a cell is cut first, and wrapped here to its column's width, leaving
 * cli-table3 nothing to truncate: a cell costs at most a bounded amount and the table is linear in the report. What is
 * cut is said, with the count; the JSON report holds the whole text.
 */
const CELL_LINE_LIMIT = 240;
/** Column widths, padding (one space each side) included. */
const MATRIX_WIDTHS: [number, number, number, number] = [54, 38, 18, 37];
const FINDING_WIDTHS: [number, number, number, number] = [10, 22, 60, 55];
const CELL_LINES_LIMIT = 40;

/** The text of a cell `width` characters wide (its column's width less the padding): cut, then wrapped. */
export function fitCell(text: string, width: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, CELL_LINES_LIMIT).map((line) => (line.length > CELL_LINE_LIMIT ? `${cutAt(line, CELL_LINE_LIMIT)}… (${line.length - CELL_LINE_LIMIT} more characters)` : line));
  if (lines.length > CELL_LINES_LIMIT) shown.push(`… (${lines.length - CELL_LINES_LIMIT} more lines)`);
  return shown.flatMap((line) => wrapLine(line, width)).join('\n');
}

/** `line` in pieces of at most `width` characters, broken after a space where there is one. */
function wrapLine(line: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width - 1);
    const cut = space > 0 ? space + 1 : cutAt(rest, width).length;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  return [...pieces, rest];
}

/** The first `n` UTF-16 units of `line`, one fewer when the cut would split a surrogate pair. */
function cutAt(line: string, n: number): string {
  const code = line.charCodeAt(n - 1);
  return line.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** A terminal summary: the requirement matrix, the findings with their evidence, and what was not understood. */
export function formatTable(given: Report, options: FormatOptions = { color: false }): string {
  const report = withControlsEscaped(given); // rule comments must not drive the terminal
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const out: string[] = [];
  for (const input of report.inputs) {
    out.push(`${inputName(input)}: ${input.vendor}, ${input.rules} rules, ${input.context.deviceRole}${input.context.profileFile ? `, profile ${input.context.profileFile}` : ', no profile (roles inferred)'}`);
    const matrix = new Table({ head: ['requirement', 'flow', 'status', 'why'], style: { head: [], border: [] }, wordWrap: true, colWidths: MATRIX_WIDTHS });
    for (const r of ofInput(report.requirements, input)) {
      matrix.push([fitCell(r.id, MATRIX_WIDTHS[0] - 2), r.flow ? fitCell(flowText(r.flow), MATRIX_WIDTHS[1] - 2) : '', statusCell(r, paint), fitCell(r.reason, MATRIX_WIDTHS[3] - 2)]);
    }
    out.push(matrix.toString(), `The Internet: ${input.context.internet.description}`);
    const inferred = input.context.inferences;
    if (inferred.length > 0) {
      out.push('Inferred (no profile value):');
      for (const i of inferred) out.push(`  ${i.field} = ${i.value} — ${i.reason}${i.evidence.length ? ` (lines ${i.evidence.map((e) => e.line).join(', ')})` : ''}`);
    }
    const warnings = input.diagnostics.filter((d) => d.level === 'warning');
    if (warnings.length > 0) {
      out.push(`Not fully understood (${warnings.length}):`);
      for (const d of warnings) out.push(`  line ${d.line}: ${d.message}`);
    }
    out.push('');
  }
  if (report.findings.length > 0) {
    const findings = new Table({ head: ['severity', 'check', 'finding', 'evidence'], style: { head: [], border: [] }, wordWrap: true, colWidths: FINDING_WIDTHS });
    for (const f of report.findings) {
      const evidence = f.evidence.map((e) => `${e.file}:${e.line} ${e.text}`).join('\n');
      const severity = paint(SEVERITY_COLOR[f.severity], f.severity) + (f.waiver ? `\n${f.waiver.status === 'active' ? 'waived' : 'waiver\nEXPIRED'}` : '');
      const about = [f.message, f.requirement && `[${f.requirement}]`, ruleSetsText(report, f), f.waiver && waiverText(f.waiver)].filter(Boolean).join('\n');
      findings.push([severity, f.check, fitCell(about, FINDING_WIDTHS[2] - 2), fitCell(evidence, FINDING_WIDTHS[3] - 2)]);
    }
    out.push(findings.toString());
  }
  for (const note of runNotes(report)) out.push(note);
  const s = report.summary;
  out.push(
    `${s.findings.total} finding(s): ${SEVERITIES.map((k) => `${s.findings[k]} ${k}`).join(', ')}${report.waivers ? ` (${report.waivers.waived} waived)` : ''}. ` +
      `Requirements: ${s.requirements.satisfied} satisfied, ${s.requirements.partial} partial, ${s.requirements.missing} missing, ${s.requirements.uncertain} uncertain, ${s.requirements.obsolete} obsolete, ${s.requirements['not-applicable']} not applicable.`,
  );
  return `${out.join('\n')}\n`;
}
