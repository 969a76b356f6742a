import { createHash } from 'node:crypto';
import { REQUIREMENT_STATUSES, SEVERITIES, type Evidence } from '../audit/result.js';
import { requirementOf, type Report, type ReportFinding, type ReportInput, type ReportRequirement } from '../report/report.js';
import { authorityText, findingsOf, flowText, inputName, lineRef, ofInput, ruleSetsText, runNotes, sharedFindings, waiverText } from './common.js';

/**
 * The review document as one self-contained HTML file for a security review: the content of the Markdown report,
 * with the requirement matrix coloured by status, findings that expand to their evidence, a severity filter, and a
 * print layout. No network: styles and script are inline, and the Content-Security-Policy allows exactly those
 * two (by hash) and nothing else, so even text that slipped past escaping could not load or run anything.
 * Without JavaScript everything is shown and the filter is simply absent.
 */

const STYLE = `
:root { color-scheme: light; --ok: #d9f2dd; --bad: #fbd9d6; --warn: #fdf0c6; --unsure: #eadcf5; --muted: #eceff1; --line: #c9ced3; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f23; }
h1 { margin-bottom: .2rem; } h2 code { font-size: inherit; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
code, pre { font: 13px/1.4 ui-monospace, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: .5rem .7rem; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f2f4; }
tr.status-satisfied td.status, tr.status-obsolete-closed td.status { background: var(--ok); }
tr.status-missing td.status, tr.status-obsolete-open td.status { background: var(--bad); }
tr.status-partial td.status { background: var(--warn); }
tr.status-uncertain td.status, tr.status-obsolete-uncertain td.status { background: var(--unsure); }
tr.status-not-applicable td.status { background: var(--muted); }
td.status { font-weight: 600; white-space: nowrap; }
td.deciding div { font: 12px/1.35 ui-monospace, monospace; }
.badge { display: inline-block; min-width: 4.5rem; text-align: center; border-radius: 3px; padding: 0 .3rem; font-weight: 600; color: #fff; }
.sev-critical { background: #7b1113; } .sev-high { background: #c62828; } .sev-medium { background: #b36b00; } .sev-low { background: #1565c0; } .sev-info { background: #546e7a; }
.waived { background: #2e7d32; } .expired { background: #6a1b9a; }
details.finding { border: 1px solid var(--line); border-radius: 4px; margin: .4rem 0; padding: .3rem .6rem; }
details.finding > summary { cursor: pointer; }
details.finding[open] > summary { margin-bottom: .4rem; }
.ev-blocks { color: #a4161a; } .ev-permits { color: #1b5e20; } .ev-uncertain { color: #6a1b9a; } .ev-context { color: #555; }
#filter { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: .4rem 0; z-index: 1; }
#filter label { margin-right: 1rem; white-space: nowrap; }
.notes li { margin: .15rem 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  #filter { display: none; }
  details.finding, tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@media print { details::details-content { content-visibility: visible; } }
`;

/** Shows the filter (it stays hidden without JavaScript), hides findings of unticked severities, opens every finding for print. */
// A report with no finding has no filter form.
const SCRIPT = `
const filter = document.getElementById('filter');
if (filter) {
  filter.hidden = false;
  const apply = () => {
    const shown = new Set([...filter.querySelectorAll('input:checked')].map((box) => box.value));
    for (const el of document.querySelectorAll('[data-severity]')) el.hidden = !shown.has(el.dataset.severity);
  };
  filter.addEventListener('change', apply);
  apply();
}
window.addEventListener('beforeprint', () => { for (const d of document.querySelectorAll('details')) d.open = true; });
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; base-uri 'none'; form-action 'none'`;

export function formatHtml(report: Report): string {
  const s = report.summary;
  const present = SEVERITIES.filter((k) => s.findings[k] > 0);
  const body = [
    '<header>',
    '<h1>edge-audit report</h1>',
    `<p>edge-audit ${esc(report.tool.version)}, ${s.inputs} input(s), ${s.findings.total} finding(s)${report.waivers ? ` (${report.waivers.waived} waived)` : ''}${s.highestSeverity ? `, highest severity <strong>${s.highestSeverity}</strong>` : ''}.</p>`,
    '</header>',
    present.length > 0
      ? `<form id="filter" hidden><strong>Show:</strong> ${present.map((k) => `<label><input type="checkbox" value="${k}" checked> ${k} (${s.findings[k]})</label>`).join(' ')}</form>`
      : '',
    '<section id="summary">',
    '<h2>Summary</h2>',
    '<ul class="notes">',
    `<li>Inputs: ${report.inputs.map((i) => `<code>${esc(inputName(i))}</code>`).join(', ') || 'none'}</li>`,
    `<li>Findings: ${SEVERITIES.map((k) => `${s.findings[k]} ${k}`).join(', ')}</li>`,
    `<li>Requirements: ${REQUIREMENT_STATUSES.map((k) => `${s.requirements[k]} ${k}`).join(', ')}</li>`,
    `<li>Profile: ${report.profile.files.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'}${report.profile.inferred ? '; some values inferred from the configuration' : ''}</li>`,
    ...runNotes(report).map((n) => `<li>${esc(n)}</li>`),
    '</ul>',
    '</section>',
    ...report.inputs.flatMap((input) => inputSection(report, input)),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>edge-audit report: ${esc(report.inputs.map(inputName).join(', ') || 'no input')}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body.filter((line) => line !== ''),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function inputSection(report: Report, input: ReportInput): string[] {
  const c = input.context;
  const pairs = <V>(o: Readonly<Record<string, V>>, f: (v: V) => string) => Object.entries(o).map(([k, v]) => `${esc(k)} ${f(v)}`).join('; ') || 'none';
  const out = [
    `<section class="input">`,
    `<h2><code>${esc(inputName(input))}</code></h2>`,
    '<ul>',
    `<li>Device: <code>${esc(input.device)}</code>, ${esc(input.vendor)}, ${input.rules} rules, ${input.families.join(' + ') || 'no address family'}</li>`,
    `<li>Profile: ${c.profileFile ? `<code>${esc(c.profileFile)}</code>` : 'none'}${c.inferences.length > 0 ? '; what it leaves open was inferred (see <em>Inferred</em>)' : ''}</li>`,
    `<li>Device role: ${esc(c.deviceRole)}</li>`,
    `<li>Roles: ${pairs(c.roles, (v) => `= ${v.map(esc).join(', ')}`)}</li>`,
    `<li>Interfaces: ${pairs(c.interfaces, (v) => `→ ${esc(v)}`)}</li>`,
    `<li>Packs: ${c.packs.map(esc).join(', ') || 'none'}</li>`,
    `<li>Features: ${pairs(c.features, (v) => (v ? 'on' : 'off'))}</li>`,
    `<li>The Internet: every address except those listed under <em>The Internet</em></li>`,
    '</ul>',
    '<h3>The Internet</h3>',
    '<p>Every address except:</p>',
    '<ul>',
    ...c.internet.excluded.map((x) => `<li>${esc(x.what)}: ${x.addresses.map((a) => `<code>${esc(a)}</code>`).join(', ')}</li>`),
    '</ul>',
  ];
  if (c.inferences.length > 0) {
    out.push('<h3>Inferred</h3>');
    for (const i of c.inferences) out.push(`<p><code>${esc(i.field)}</code> = ${esc(i.value)}: ${esc(i.reason)}</p>`, evidenceBlock(i.evidence, input.file));
  }

  out.push('<h3>Requirements</h3>', '<table class="matrix">', '<thead><tr><th>requirement</th><th>flow</th><th>status</th><th>deciding rules</th></tr></thead>', '<tbody>');
  for (const r of ofInput(report.requirements, input)) out.push(requirementRow(r, input.file));
  out.push('</tbody>', '</table>');

  out.push('<h3>Findings</h3>');
  const findings = findingsOf(report.findings, input);
  const shared = sharedFindings(report.findings, input);
  if (findings.length === 0 && shared.length === 0) out.push('<p>No findings.</p>');
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`<section class="severity-group" data-severity="${severity}">`, `<h4>${severity[0]!.toUpperCase()}${severity.slice(1)} (${group.length})</h4>`);
    out.push(...group.map((f) => findingBlock(report, f, input.file)), '</section>');
  }
  if (shared.length > 0) {
    const items = shared.map((f) => `<li><code>${f.id}</code> ${esc(f.check)} (${esc(ruleSetsText(report, f)!)}): ${esc(f.message)}</li>`);
    out.push('<p>Also found in this rule set, each shown once under the first rule set it is found in:</p>', '<ul class="shared">', ...items, '</ul>');
  }

  out.push('<h3>Diagnostics</h3>', '<p>What the reader did not understand (warning) or recognized and ignored (info).</p>');
  if (input.diagnostics.length === 0) out.push('<p>None: every line was modelled.</p>');
  else out.push('<ul>', ...input.diagnostics.map((d) => `<li>line ${d.line} (${d.level}): ${esc(d.message)}</li>`), '</ul>');
  out.push('</section>');
  return out;
}

function requirementRow(r: ReportRequirement, inputFile: string): string {
  const { label, open } = r.state;
  const statusClass = r.status === 'obsolete' ? `obsolete-${open === null ? 'uncertain' : open ? 'open' : 'closed'}` : r.status;
  const deciding = r.evidence.filter((e) => e.effect !== 'context');
  const decidingCell = deciding.length ? deciding.map((e) => `<div class="ev-${e.effect}">${esc(evidenceLine(e, inputFile))}</div>`).join('') : '—';
  return (
    `<tr class="status-${statusClass}"><td><code>${esc(r.id)}</code></td><td>${r.flow ? esc(flowText(r.flow)) : ''}</td>` +
    `<td class="status" title="${esc(r.reason)}">${esc(label)}${r.waiver ? ' (waived)' : ''}</td><td class="deciding">${decidingCell}</td></tr>`
  );
}

function findingBlock(report: Report, f: ReportFinding, inputFile: string): string {
  const row = requirementOf(report, f);
  const ruleSets = f.partitions && f.partitions.length > 1 ? ruleSetsText(report, f) : undefined;
  const authority = authorityText(f);
  const badge = f.waiver ? ` <span class="badge ${f.waiver.status === 'active' ? 'waived' : 'expired'}">${f.waiver.status === 'active' ? 'waived' : 'waiver expired'}</span>` : '';
  return [
    `<details class="finding" data-severity="${f.severity}">`,
    `<summary><span class="badge sev-${f.severity}">${f.severity}</span>${badge} <strong>${esc(f.check)}</strong>: ${esc(f.message)}</summary>`,
    `<p>Finding <code>${f.id}</code>${authority ? `; ${esc(authority)}` : ''}${row ? ` — <a href="${esc(row.source.url)}">TechNet ${esc(row.source.technetId)}</a>` : ''}</p>`,
    ruleSets ? `<p>Found alike in ${esc(ruleSets)}.</p>` : '',
    f.waiver ? `<p>${f.waiver.status === 'active' ? 'Waived' : '<strong>Waiver expired</strong>'}: ${esc(waiverText(f.waiver))}</p>` : '',
    evidenceBlock(f.evidence, inputFile),
    '</details>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** The configuration lines, verbatim, as `line: text` (`file:line: text` from another file), coloured by what each did. */
function evidenceBlock(evidence: readonly (Pick<Evidence, 'file' | 'line' | 'text'> & { readonly effect?: Evidence['effect'] })[], inputFile: string): string {
  if (evidence.length === 0) return '';
  return `<pre class="evidence">${evidence.map((e) => `<span class="ev-${e.effect ?? 'context'}"${e.effect ? ` title="${e.effect}"` : ''}>${esc(evidenceLine(e, inputFile))}</span>`).join('\n')}</pre>`;
}

function evidenceLine(e: { readonly file: string; readonly line: number; readonly text: string }, inputFile: string): string {
  return `${e.file === inputFile ? e.line : lineRef(e)}: ${e.text}`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values: the five characters HTML gives meaning to, as references. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
