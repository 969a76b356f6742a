import type { Evidence, Severity } from '../audit/result.js';
import type { Check } from '../checks/check.js';
import { CHECKS } from '../checks/index.js';
import { requirementOf, type Report, type ReportFinding, type ReportRequirement } from '../report/report.js';
import { authorityText, inputName, ruleSetsText, waiverText } from './common.js';

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one rule per check, one result per finding, anchored on the
 * configuration line that decides it. Finding ids are stable across runs and line moves, so they are the
 * fingerprints GitHub uses to track an alert from one upload to the next. A waived finding carries an accepted
 * external suppression with its justification; a baseline's findings are not in the log at all.
 */

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub's security-severity scale: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function formatSarif(report: Report): string {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'edge-audit', version: report.tool.version, rules: CHECKS.map((c) => sarifRule(c, citedRows(report, c))) } },
        results: report.findings.map((f) => sarifResult(f, ruleIndex.get(f.check), ruleSetsText(report, f))),
        // What each input's "Internet" was taken to be, as the JSON report says it.
        properties: { inputs: report.inputs.map((i) => ({ name: inputName(i), internet: i.context.internet.description })) },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The documented rows this run's findings of a check answer to, once each, in report order. */
function citedRows(report: Report, c: Check): ReportRequirement[] {
  const rows = new Map<string, ReportRequirement>();
  for (const f of report.findings) {
    if (f.check !== c.id || !f.requirement || rows.has(f.requirement)) continue;
    const row = requirementOf(report, f);
    if (row) rows.set(row.id, row);
  }
  return [...rows.values()];
}

/**
 * A rule's help cites the documentation: what the check applies, and each documented row (TechNet page, table,
 * row, with a link) that a result of this run answers to, as the reviewer will want to open it.
 */
function sarifRule(c: Check, rows: readonly ReportRequirement[]) {
  const rowText = (r: ReportRequirement) => `${r.id}: ${r.title} — TechNet ${r.source.technetId}, "${r.source.table}", row ${r.source.row} (${r.source.url})`;
  const rowMarkdown = (r: ReportRequirement) =>
    `| \`${r.id}\` | ${cell(r.title)} | [TechNet ${r.source.technetId}](${r.source.url}) | ${cell(r.source.table)} | ${r.source.row} |`;
  const rowsText = rows.length ? `\n\nDocumented rows cited by this run's results:\n${rows.map((r) => `- ${rowText(r)}`).join('\n')}` : '';
  const rowsMarkdown = rows.length ? `\n\n| requirement | rule | page | table | row |\n|---|---|---|---|---|\n${rows.map(rowMarkdown).join('\n')}` : '';
  return {
    id: c.id,
    // SARIF wants a readable identifier beside the opaque id: missing-flow → MissingFlow.
    name: c.id.replace(/(?:^|-)([a-z])/g, (_match, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    help: {
      text: `${c.description}\n\nDocumentation applied: ${c.cites}${rowsText}`,
      markdown: `${c.description}\n\n**Documentation applied:** ${cell(c.cites)}${rowsMarkdown}`,
    },
    defaultConfiguration: { level: LEVEL[c.defaultSeverity] },
    properties: { tags: ['security', 'firewall', 'lync-edge'], 'security-severity': SECURITY_SEVERITY[c.defaultSeverity] },
  };
}

function sarifResult(f: ReportFinding, ruleIndex: number | undefined, ruleSet: string | undefined) {
  const primary = primaryEvidence(f);
  const authority = authorityText(f);
  const expired = f.waiver?.status === 'expired' ? ` (${waiverText(f.waiver)})` : '';
  return {
    ruleId: f.check,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[f.severity],
    message: { text: `${ruleSet ? `[${ruleSet}] ` : ''}${authority ? `${f.message} — ${authority}` : f.message}${expired}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(f.file) }, region: primary ? region(primary) : { startLine: 1 } } }],
    relatedLocations: f.evidence
      .filter((e) => e !== primary)
      .map((e, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: { uri: fileUri(e.file) }, region: region(e) },
        message: { text: e.text },
        properties: { effect: e.effect },
      })),
    ...(f.waiver?.status === 'active' && { suppressions: [{ kind: 'external', status: 'accepted', justification: waiverText(f.waiver) }] }),
    // The id does not name the rule sets, so findings of one id that differ between rule sets would otherwise be taken
    // for one alert. A finding in one rule set keeps the fingerprint it had before findings were merged (`id@Public`).
    partialFingerprints: { 'edgeAuditFindingId/v1': f.partitions === undefined ? f.id : `${f.id}@${f.partitions.join('+')}` },
    properties: { check: f.check, severity: f.severity, ...(f.requirement ? { requirement: f.requirement } : {}), ...(f.partitions !== undefined && { partitions: f.partitions }), flow: f.flow },
  };
}

/** The line, and its text as a snippet — unless the evidence is an implicit default, which has no text of its own. */
function region(e: Evidence) {
  return e.implicit ? { startLine: e.line } : { startLine: e.line, snippet: { text: e.text } };
}

/** Text for a Markdown table cell: pipes escaped, one line. */
function cell(s: string): string {
  return s.replaceAll('|', '\\|').replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * The line a result is shown on: the rule (or default policy) that permits or blocks the flow — a missing flow is
 * anchored on what blocks it: the deny rule, the filter's default policy, or, for an implicit default, the header
 * of the filter (chain, ACL, policy section) the missing rule belongs in — else the first line of evidence, else
 * line 1. Only evidence in the finding's own file can anchor it, since the location names that file.
 */
function primaryEvidence(f: ReportFinding): Evidence | undefined {
  const own = f.evidence.filter((e) => e.file === f.file);
  return own.find((e) => e.effect === 'blocks' || e.effect === 'permits') ?? own[0];
}

/** A repo-relative path as a relative URI: forward slashes, each segment percent-encoded (a space, a `#`). */
function fileUri(file: string): string {
  return file.replaceAll('\\', '/').split('/').map(encodeURIComponent).join('/');
}
