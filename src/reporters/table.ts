import Table from 'cli-table3';
import { SEVERITIES } from '../audit/result.js';
import type { Report } from '../report/report.js';

const STATUS_MARK: Record<string, string> = {
  satisfied: 'ok',
  partial: 'PARTIAL',
  missing: 'MISSING',
  uncertain: 'UNCERTAIN',
  'not-applicable': 'n/a',
  obsolete: 'obsolete',
};

/** A terminal summary: the requirement matrix, the findings with their evidence, and what was not understood. */
export function formatTable(report: Report): string {
  const out: string[] = [];
  for (const input of report.inputs) {
    out.push(`${input.file}: ${input.vendor}, ${input.rules} rules, ${input.context.deviceRole}${input.context.profileFile ? `, profile ${input.context.profileFile}` : ', no profile (roles inferred)'}`);
    const matrix = new Table({ head: ['requirement', 'flow', 'status', 'why'], style: { head: [], border: [] }, wordWrap: true, colWidths: [54, 38, 11, 44] });
    for (const r of report.requirements.filter((x) => x.file === input.file)) {
      const flow = r.flow ? `${r.flow.protocol.toUpperCase()} ${r.flow.dport} ${r.flow.from} → ${r.flow.to}` : '';
      matrix.push([r.id, flow, STATUS_MARK[r.status] ?? r.status, r.reason]);
    }
    out.push(matrix.toString());
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
    const findings = new Table({ head: ['severity', 'check', 'finding', 'evidence'], style: { head: [], border: [] }, wordWrap: true, colWidths: [10, 22, 60, 55] });
    for (const f of report.findings) {
      const evidence = f.evidence.map((e) => `${e.file}:${e.line} ${e.text}`).join('\n');
      findings.push([f.severity, f.check, `${f.message}${f.requirement ? `\n[${f.requirement}]` : ''}`, evidence]);
    }
    out.push(findings.toString());
  }
  const s = report.summary;
  out.push(
    `${s.findings.total} finding(s): ${SEVERITIES.map((k) => `${s.findings[k]} ${k}`).join(', ')}. ` +
      `Requirements: ${s.requirements.satisfied} satisfied, ${s.requirements.partial} partial, ${s.requirements.missing} missing, ${s.requirements.uncertain} uncertain, ${s.requirements.obsolete} obsolete, ${s.requirements['not-applicable']} not applicable.`,
  );
  return `${out.join('\n')}\n`;
}
