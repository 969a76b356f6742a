/**
 * Every format tells the truth the JSON tells, on the shipped Windows fixtures: requirement states computed once
 * (obsolete rows open or closed, a firewall turned off), implicit defaults known by their flag, and a finding found
 * alike in several firewall profiles reported once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { auditDevice } from '../src/audit/audit.js';
import { applyBaseline, createBaseline, type Baseline } from '../src/baseline/baseline.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { loadProfile } from '../src/profile/site-profile.js';
import { buildReport, type Report, type ReportRequirement } from '../src/report/report.js';
import { formatHtml } from '../src/reporters/html.js';
import { formatJunit } from '../src/reporters/junit.js';
import { formatMarkdown } from '../src/reporters/markdown.js';
import { formatSarif } from '../src/reporters/sarif.js';
import { formatTable } from '../src/reporters/table.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { fixtureReport, REPO } from './helpers/fixtures.js';
import { waived } from './helpers/reports.js';
import { auditWindows, windowsDevices } from './helpers/windows.js';

const packs = loadPacks();
const SIP = 'lync2013-sip-federation-public-im';

function profileOf(dir: string) {
  return { ...loadProfile(join(REPO, dir, 'edge-audit.json')), file: `${dir}/edge-audit.json` };
}
const input = (file: string) => exportFromBytes(file, readFileSync(join(REPO, file)));

/** The report of the firewall profile the site profile names (Public). */
function publicReport(file: string): Report {
  const dir = file.slice(0, file.lastIndexOf('/'));
  return buildReport([auditWindows(input(file), profileOf(dir))], '0.0.0-test');
}

/** The report of all three firewall profiles of an export, as `edge-audit check` gives it without firewallProfile. */
function allProfilesReport(file: string): Report {
  const dir = file.slice(0, file.lastIndexOf('/'));
  const profile = profileOf(dir);
  return buildReport(windowsDevices(input(file), profile).map((d) => auditDevice(d, profile, packs)), '0.0.0-test');
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const xml = (s: string) => new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(s);
interface JunitCase {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_type': string; '@_message': string; '#text'?: string };
  skipped?: { '@_message': string };
}
const junitCases = (report: Report): JunitCase[] => xml(formatJunit(report)).testsuites.testsuite.flatMap((s: { testcase: JunitCase[] }) => s.testcase);
const mdRow = (markdown: string, r: ReportRequirement) => markdown.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`))!;
const htmlRow = (html: string, r: ReportRequirement) => html.split('\n').find((l) => l.includes(`<td><code>${r.id}</code></td>`))!;

describe('requirement state: computed once, rendered by every format', () => {
  it('an obsolete flow opened by a permitting default is "obsolete, open" and failing in every format; a closed one passes', () => {
    // edge-rules.txt carries no profile settings: Windows' default outbound Allow opens the obsolete outbound rows,
    // and no rule does, so no obsolete-flow finding exists to say so (any-rule reports the default once).
    const report = publicReport('fixtures/windows/edge-rules.txt');
    const open = report.requirements.filter((r) => r.id === `${SIP}/wlm-rtp-out` || r.id === `${SIP}/wlm-stun-out`);
    const closed = report.requirements.find((r) => r.id === `${SIP}/wlm-stun-in`)!;
    expect(report.findings.some((f) => f.check === 'obsolete-flow')).toBe(false);
    expect(open.map((r) => r.state)).toEqual([
      { open: true, failing: true, label: 'obsolete, open' },
      { open: true, failing: true, label: 'obsolete, open' },
    ]);
    expect(closed.state).toEqual({ open: false, failing: false, label: 'obsolete, closed' });

    const md = formatMarkdown(report);
    const html = formatHtml(report);
    const cases = junitCases(report);
    const table = formatTable(report);
    for (const r of open) {
      expect(mdRow(md, r)).toContain('| **obsolete, open** |');
      expect(htmlRow(html, r)).toMatch(/^<tr class="status-obsolete-open">.*>obsolete, open<\/td>/);
      expect(cases.find((c) => c['@_name'] === r.id)!.failure).toMatchObject({ '@_type': 'obsolete', '@_message': `${r.title}: ${r.reason}` });
    }
    expect(mdRow(md, closed)).toContain('| obsolete, closed |');
    expect(htmlRow(html, closed)).toMatch(/^<tr class="status-obsolete-closed">/);
    expect(cases.find((c) => c['@_name'] === closed.id)!.failure).toBeUndefined();
    expect(table.match(/OBSOLETE, OPEN/g)).toHaveLength(2);
    expect(table).toContain('obsolete, closed');
  });

  it('with the firewall off, says the flows are open because of it, on the line that turns it off, in every format', () => {
    const file = 'fixtures/windows/edge-host/public-profile-off.gpo.xml';
    const report = publicReport(file);
    const offLine = report.findings.find((f) => f.check === 'firewall-disabled')!.evidence[0]!;
    expect(offLine.text).toContain('EnableFirewall');
    const evaluated = report.requirements.filter((r) => r.flow !== null && r.status !== 'not-applicable');
    expect(evaluated.length).toBeGreaterThan(5);
    for (const r of evaluated) {
      expect(r.state.open).toBe(true);
      expect(r.state.label).toMatch(/ \(firewall off\)$/);
      expect(r.evidence).toEqual([offLine]);
      expect(r.reason).toContain(`open because the firewall is turned off (${file}:${offLine.line})`);
    }
    const obsolete = evaluated.filter((r) => r.status === 'obsolete');
    expect(obsolete.length).toBe(3);
    for (const r of obsolete) expect(r.state).toEqual({ open: true, failing: true, label: 'obsolete, open (firewall off)' });

    const md = formatMarkdown(report);
    const html = formatHtml(report);
    const cases = junitCases(report);
    for (const r of obsolete) {
      expect(mdRow(md, r)).toContain(`| **obsolete, open (firewall off)** | \`${file}:${offLine.line}\` |`);
      expect(htmlRow(html, r)).toMatch(/^<tr class="status-obsolete-open">.*obsolete, open \(firewall off\)/);
      expect(cases.find((c) => c['@_name'] === r.id)!.failure?.['#text']).toContain(`${file}:${offLine.line}: ${offLine.text}`);
    }
    expect(strip(formatTable(report))).toContain('OBSOLETE, OPEN');
    // What the turned-off firewall exposes is anchored on the line that turns it off, never on line 1.
    const exposed = report.findings.filter((f) => f.check === 'exposed-internal-port');
    expect(exposed).toHaveLength(5);
    const results = JSON.parse(formatSarif(report)).runs[0].results as { ruleId: string; locations: { physicalLocation: { region: unknown } }[] }[];
    for (const r of results.filter((x) => x.ruleId === 'exposed-internal-port')) {
      expect(r.locations[0]!.physicalLocation.region).toEqual({ startLine: offLine.line, snippet: { text: offLine.text } });
    }
  });

  it('a baseline leaves the requirement matrix as it was, in JSON and in every rendering', () => {
    const report = waived(fixtureReport(['network-firewall/obsolete-wlm.rules']), '2025-01-01');
    expect(report.findings.filter((f) => f.check === 'obsolete-flow')).toHaveLength(3);
    const baseline = JSON.parse(createBaseline(report)) as Baseline;
    const after = applyBaseline(report, baseline, 'baseline.json');
    expect(after.findings).toEqual([]);
    expect(after.requirements).toEqual(report.requirements);
    const matrix = (md: string) => md.split('\n').filter((l) => l.startsWith('| `'));
    expect(matrix(formatMarkdown(after))).toEqual(matrix(formatMarkdown(report)));
    expect(matrix(formatMarkdown(after)).filter((l) => l.includes('**obsolete, open**'))).toHaveLength(3);
    const requirementCases = (r: Report) => junitCases(r).filter((c) => c['@_classname'] === 'requirements');
    expect(requirementCases(after)).toEqual(requirementCases(report));
  });
});

describe('implicit defaults are a flag on the evidence', () => {
  it('flags the implicit defaults and only them; SARIF gives them no snippet because of the flag, not their text', () => {
    const report = publicReport('fixtures/windows/edge-rules.txt');
    const evidence = report.requirements.flatMap((r) => r.evidence);
    const implicit = evidence.filter((e) => e.implicit);
    expect(implicit.length).toBeGreaterThan(0);
    for (const e of evidence) expect(e.implicit === true).toBe(e.text.startsWith('(implicit '));

    const gap = fixtureReport(['network-firewall/gap.rules']);
    const f = gap.findings[0]!;
    const region = (e: (typeof f.evidence)[number]) => JSON.parse(formatSarif({ ...gap, findings: [{ ...f, evidence: [e] }] })).runs[0].results[0].locations[0].physicalLocation.region;
    expect(region({ ...implicit[0]!, file: f.file })).toEqual({ startLine: implicit[0]!.line });
    // A configuration line whose text happens to read like a description is still a configuration line.
    const { implicit: _flag, ...unflagged } = { ...implicit[0]!, file: f.file };
    expect(region(unflagged)).toEqual({ startLine: unflagged.line, snippet: { text: unflagged.text } });
  });
});

describe('a finding found alike in several rule sets of one export is one finding', () => {
  const file = 'fixtures/windows/edge-host/any-port-allow.gpo.xml';
  const report = allProfilesReport(file);
  const ALL = ['Domain', 'Private', 'Public'];
  const merged = report.findings.filter((f) => f.partitions?.length === 3);

  it('lists its rule sets and keeps its id; findings that differ between rule sets stay apart', () => {
    expect(report.inputs.map((i) => i.partition?.name)).toEqual(ALL);
    // The any-port rule is in every profile: what it exposes, and the rule itself, are the same finding in each.
    expect(merged.map((f) => f.check).sort()).toEqual(['any-rule', ...Array(5).fill('exposed-internal-port'), 'obsolete-flow']);
    for (const f of merged) expect(f.partitions).toEqual(ALL);
    // Its id is the one the Public profile alone reports.
    const single = publicReport(file);
    expect(merged.map((f) => f.id).sort()).toEqual(single.findings.map((f) => f.id).sort());
    expect(report.findings).toHaveLength(7);
    expect(report.summary.findings.total).toBe(7);
    // With the firewall off in the Public profile only, what that exposes is found there alone.
    const off = allProfilesReport('fixtures/windows/edge-host/public-profile-off.gpo.xml');
    expect(off.findings.length).toBeGreaterThan(0);
    for (const f of off.findings) expect(f.partitions).toEqual(['Public']);
    // Requirements stay per rule set.
    expect(report.requirements.filter((r) => r.id === `${SIP}/wlm-stun-in`).map((r) => r.partition)).toEqual(ALL);
  });

  it('is shown once in every format, naming its rule sets', () => {
    const md = formatMarkdown(report);
    for (const f of merged) {
      expect(md.split('\n').filter((l) => l.startsWith(`**${f.check}** (\`${f.id}\`)`))).toHaveLength(1);
      expect(md).toContain(`\`${f.id}\` (${f.check}, profiles Domain, Private, Public)`);
    }
    expect(md).toContain('Found alike in profiles Domain, Private, Public');
    const html = formatHtml(report);
    expect(html.match(/<details class="finding"/g)).toHaveLength(report.findings.length);
    expect(html.match(/<p>Found alike in profiles Domain, Private, Public\.<\/p>/g)).toHaveLength(merged.length);
    const findingCases = junitCases(report).filter((c) => c['@_classname'] !== 'requirements');
    expect(findingCases).toHaveLength(report.findings.length);
    expect(findingCases.filter((c) => c.failure?.['#text']?.includes('found alike in profiles Domain, Private, Public'))).toHaveLength(merged.length);
    const results = JSON.parse(formatSarif(report)).runs[0].results as { message: { text: string }; partialFingerprints: Record<string, string>; properties: { partitions?: string[] } }[];
    expect(results).toHaveLength(report.findings.length);
    for (const [i, f] of report.findings.entries()) {
      const r = results[i]!;
      expect(r.properties.partitions).toEqual(f.partitions);
      expect(r.partialFingerprints['edgeAuditFindingId/v1']).toBe(`${f.id}@${f.partitions!.join('+')}`);
      expect(r.message.text.startsWith(f.partitions!.length === 3 ? '[profiles Domain, Private, Public] ' : `[profile ${f.partitions![0]}] `)).toBe(true);
    }
    expect(strip(formatTable(report)).match(/profiles Domain, Private, Public/g)).toHaveLength(merged.length);
  });

  it('is suppressed by a baseline written per rule set, before findings were merged, and only when every rule set is listed', () => {
    // The baseline of an older release: one entry per rule set (which createBaseline still writes).
    const old: Baseline = {
      baselineVersion: 1,
      tool: 'edge-audit 0.0.9',
      findings: report.findings.flatMap((f) => f.partitions!.map((partition) => ({ id: f.id, file: f.file, partition, check: f.check, severity: f.severity, message: f.message }))),
    };
    expect((JSON.parse(createBaseline(report)) as Baseline).findings).toHaveLength(old.findings.length);
    expect(applyBaseline(report, old, 'b.json').findings).toEqual([]);
    // Known in Domain and Private only: in Public it is new, so the finding stays.
    const partial = { ...old, findings: old.findings.filter((e) => e.partition !== 'Public') };
    expect(applyBaseline(report, partial, 'b.json').findings.filter((f) => f.partitions!.length === 3)).toEqual(merged);
  });

  it('is waived once, and its requirement in every rule set with it', () => {
    const obsolete = merged.find((f) => f.check === 'obsolete-flow')!;
    const w = waived(report, '2025-01-01', { id: obsolete.id, justification: 'decommissioning', approvedBy: 'CISO', expires: '2030-01-01' });
    expect(w.waivers).toMatchObject({ waived: 1, unused: 0 });
    const rows = w.requirements.filter((r) => r.id === obsolete.requirement);
    expect(rows.map((r) => [r.partition, r.state.failing, r.waiver?.status])).toEqual(ALL.map((p) => [p, true, 'active']));
    expect(formatMarkdown(w).split('\n').filter((l) => l.startsWith(`| \`${obsolete.requirement}\` |`) && l.includes('(waived)'))).toHaveLength(3);
    expect(junitCases(w).filter((c) => c['@_name'] === obsolete.requirement && c.skipped)).toHaveLength(3);
  });
});

describe('what the Internet was taken to be', () => {
  it('is said by every format, as the JSON says it', () => {
    const report = fixtureReport(['network-firewall/well-built.rules']);
    const internet = report.inputs[0]!.context.internet;
    // The Access Edge pair (a role) and RFC 1918 (a non-public range) are left out, each with its reason.
    const excluded = (address: string) => internet.excluded.filter((x) => x.addresses.some((a) => a === address)).map((x) => x.what);
    expect(excluded('10.0.0.0/8')[0]).toMatch(/^non-public ranges \(IANA/);
    expect(excluded('203.0.113.10/31')[0]).toMatch(/roles/);
    expect(internet.description).toBe(`every address except ${internet.excluded.map((x) => x.what).join('; ')}`);

    expect(formatTable(report)).toContain(`The Internet: ${internet.description}`);
    for (const text of [formatMarkdown(report), formatHtml(report)]) {
      for (const x of internet.excluded) expect(text).toContain(x.addresses[0]!);
      expect(text).toContain('non-public ranges (IANA IPv4 Special-Purpose Address Registry');
    }
    const junit = new XMLParser({ ignoreAttributes: false }).parse(formatJunit(report));
    expect(junit.testsuites.testsuite.properties.property['@_value']).toBe(internet.description);
    const sarif = JSON.parse(formatSarif(report));
    expect(sarif.runs[0].properties.inputs[0].internet).toBe(internet.description);
  });
});
