import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Report } from '../report/report.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { waived } from '../../test/helpers/reports.js';
import { formatHtml } from './html.js';

const report = fixtureReport(['network-firewall/gap.rules', 'network-firewall/obsolete-wlm.rules', 'network-firewall/any-service.rules', 'network-firewall/uncertain.rules']);

/** The text between an opening tag (attributes allowed) and its closing tag, for every occurrence. */
function elements(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
}

describe('formatHtml', () => {
  it('is one self-contained file: nothing to fetch, and a policy that allows only its own inline style and script', () => {
    const html = formatHtml(report);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).not.toMatch(/<link|<img|<iframe|\ssrc=|@import|url\(/i);
    // The only links are citations a reader may follow; none is loaded.
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\/technet\.microsoft\.com\/en-us\/library\/JJ6183\d\d\(v=OCS\.15\)$/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const [style] = elements(html, 'style');
    const [script, ...more] = elements(html, 'script');
    expect(more).toEqual([]);
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toBe(`default-src 'none'; style-src ${sha(style!)}; script-src ${sha(script!)}; base-uri 'none'; form-action 'none'`);
  });

  it('has the requirement matrix of each input, each row classed by status, with its deciding lines', () => {
    const html = formatHtml(report);
    const rows = [...html.matchAll(/<tr class="status-([a-z-]+)"><td><code>([^<]+)<\/code><\/td>[^]*?<\/tr>/g)];
    expect(rows).toHaveLength(report.requirements.length);
    for (const [i, r] of report.requirements.entries()) {
      const [row, status, id] = rows[i]!;
      expect(id).toBe(r.id);
      expect(status).toBe(r.status === 'obsolete' ? (row.includes('still open') ? 'obsolete-open' : 'obsolete-closed') : r.status);
      for (const e of r.evidence.filter((x) => x.effect !== 'context')) expect(row).toContain(`<div class="ev-${e.effect}">`);
    }
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['satisfied', 'missing', 'uncertain', 'obsolete-open', 'obsolete-closed']));
  });

  it('has every finding as an expandable block with its severity, message, citation and evidence', () => {
    const html = formatHtml(report);
    const blocks = elements(html, 'details');
    // Input by input, most severe first: the order of the report's findings within each input.
    const findings = report.inputs.flatMap((i) => report.findings.filter((f) => f.file === i.file));
    expect(blocks).toHaveLength(findings.length);
    for (const [i, f] of findings.entries()) {
      const block = blocks[i]!;
      expect(block).toContain(`<code>${f.id}</code>`);
      expect(block).toContain(`<span class="badge sev-${f.severity}">${f.severity}</span>`);
      for (const e of f.evidence) expect(block).toContain(`${e.line}: ${e.text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')}`);
      if (f.citation) expect(block).toContain(f.citation.replaceAll('"', '&quot;'));
    }
    expect(html.match(/<details class="finding" data-severity="critical"/g)).toHaveLength(report.summary.findings.critical);
    // The filter offers the severities present, each with its count.
    expect(html).toContain(`<label><input type="checkbox" value="critical" checked> critical (${report.summary.findings.critical})</label>`);
    expect(html).not.toContain('value="info"');
  });

  it('escapes configuration text and file names, so a hostile comment is shown, not run', () => {
    const base = fixtureReport(['network-firewall/gap.rules']);
    const file = 'fw "<b>".rules';
    const evil = `-A FORWARD -m comment --comment "</pre><script>alert('x')</script><img src=x onerror=alert(1)>" -j ACCEPT`;
    const odd: Report = {
      ...base,
      inputs: base.inputs.map((i) => ({ ...i, file, diagnostics: [{ line: 3, level: 'warning', message: '<script>bad()</script>' }] })),
      requirements: base.requirements.map((r) => ({ ...r, file })),
      findings: base.findings.map((f) => ({ ...f, file, evidence: f.evidence.map((e) => ({ ...e, file, text: evil })) })),
    };
    const html = formatHtml(odd);
    expect(elements(html, 'script')).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('4: -A FORWARD -m comment --comment &quot;&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot; -j ACCEPT');
    expect(html).toContain('<h2><code>fw &quot;&lt;b&gt;&quot;.rules</code></h2>');
    expect(html).toContain('line 3 (warning): &lt;script&gt;bad()&lt;/script&gt;');
  });

  it('marks waived findings and expired waivers, and lists the run notes', () => {
    const f = report.findings.find((x) => x.check === 'missing-flow')!;
    const g = report.findings.find((x) => x.check === 'any-rule')!;
    const html = formatHtml(
      waived(
        report,
        '2025-05-05',
        { id: f.id, justification: 'Federation <off> until Q3', approvedBy: 'CISO', expires: '2030-01-01' },
        { id: g.id, justification: 'legacy', approvedBy: 'Ops', expires: '2020-01-01' },
        { check: 'wrong-direction', requirement: f.requirement!, file: f.file, justification: 'same', approvedBy: 'CISO', expires: '2030-01-01' },
      ),
    );
    const blocks = elements(html, 'details');
    const accepted = blocks.find((b) => b.includes(`<code>${f.id}</code>`))!;
    expect(accepted).toContain('<span class="badge waived">waived</span>');
    expect(accepted).toContain('Waived: waived until 2030-01-01 by CISO (w.json, entry 1): Federation &lt;off&gt; until Q3');
    const expired = blocks.find((b) => b.includes(`<code>${g.id}</code>`))!;
    expect(expired).toContain('<span class="badge expired">waiver expired</span>');
    expect(html).toContain('<li>Waivers (w.json) as of 2025-05-05: 2 finding(s) waived, 1 re-opened by an expired waiver, 0 waiver(s) matching no finding.</li>');
    // Every finding about the missing row is waived: the matrix says so.
    expect(html.match(/<td class="status" title="[^"]*">missing \(waived\)<\/td>/g)).toHaveLength(1);
  });

  it('is deterministic', () => {
    expect(formatHtml(fixtureReport(['network-firewall/gap.rules']))).toBe(formatHtml(fixtureReport(['network-firewall/gap.rules'])));
  });
});
