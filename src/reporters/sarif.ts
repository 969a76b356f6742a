import type { Evidence, Finding, Severity } from '../audit/result.js';
import type { Check } from '../checks/check.js';
import { CHECKS } from '../checks/index.js';
import type { Report } from '../report/report.js';
import { authorityText } from './common.js';

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one rule per check, one result per finding, anchored on the
 * configuration line that decides it. Finding ids are stable across runs and line moves, so they are the
 * fingerprints GitHub uses to track an alert from one upload to the next.
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
        tool: { driver: { name: 'edge-audit', version: report.tool.version, rules: CHECKS.map(sarifRule) } },
        results: report.findings.map((f) => sarifResult(f, ruleIndex.get(f.check))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(c: Check) {
  return {
    id: c.id,
    // SARIF wants a readable identifier beside the opaque id: missing-flow → MissingFlow.
    name: c.id.replace(/(?:^|-)([a-z])/g, (_match, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    help: {
      text: `${c.description}\n\nDocumentation applied: ${c.cites}`,
      markdown: `${c.description}\n\n**Documentation applied:** ${c.cites}`,
    },
    defaultConfiguration: { level: LEVEL[c.defaultSeverity] },
    properties: { tags: ['security', 'firewall', 'lync-edge'], 'security-severity': SECURITY_SEVERITY[c.defaultSeverity] },
  };
}

function sarifResult(f: Finding, ruleIndex: number | undefined) {
  const primary = primaryEvidence(f);
  const authority = authorityText(f);
  return {
    ruleId: f.check,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[f.severity],
    message: { text: authority ? `${f.message} — ${authority}` : f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(f.file) },
          region: primary ? { startLine: primary.line, snippet: { text: primary.text } } : { startLine: 1 },
        },
      },
    ],
    relatedLocations: f.evidence
      .filter((e) => e !== primary)
      .map((e, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: { uri: fileUri(e.file) }, region: { startLine: e.line, snippet: { text: e.text } } },
        message: { text: e.text },
        properties: { effect: e.effect },
      })),
    partialFingerprints: { 'edgeAuditFindingId/v1': f.id },
    properties: { check: f.check, severity: f.severity, ...(f.requirement ? { requirement: f.requirement } : {}), flow: f.flow },
  };
}

/**
 * The line a result is shown on: the rule (or default policy) that permits or blocks the flow — a missing flow is
 * anchored on what blocks it — else the first line of evidence. Only evidence in the finding's own file can
 * anchor it, since the location names that file.
 */
function primaryEvidence(f: Finding): Evidence | undefined {
  const own = f.evidence.filter((e) => e.file === f.file);
  return own.find((e) => e.effect === 'blocks' || e.effect === 'permits') ?? own[0];
}

/** A repo-relative path as a relative URI: forward slashes, each segment percent-encoded (a space, a `#`). */
function fileUri(file: string): string {
  return file.replaceAll('\\', '/').split('/').map(encodeURIComponent).join('/');
}
