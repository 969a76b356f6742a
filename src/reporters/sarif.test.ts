import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../audit/result.js';
import { CHECKS } from '../checks/index.js';
import type { Report } from '../report/report.js';
import { fileLines, fixtureReport, REPO } from '../../test/helpers/fixtures.js';
import { twoVdomReport, waived } from '../../test/helpers/reports.js';
import { formatSarif } from './sarif.js';

// The package is CommonJS with `module.exports = Ajv` and `Ajv.default = Ajv`; under nodenext TypeScript types the
// default import as the whole module, so the class is taken from its `default` property (the same object at runtime).
const Ajv = AjvDraft04.default;

// The official OASIS schema, kept in the repo so that a fresh clone validates its SARIF too (see test/schemas/README.md).
const SCHEMA = join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json');

const ALL = ['network-firewall', 'edge-host'].flatMap((d) =>
  readdirSync(join(REPO, 'fixtures', 'iptables', d))
    .filter((f) => f.endsWith('.rules'))
    .sort()
    .map((f) => `${d}/${f}`),
);

/** Written out here, not imported, so a wrong mapping in the reporter cannot agree with itself. */
const EXPECTED_LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
const EXPECTED_SECURITY_SEVERITY = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' } as const;

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; snippet?: { text: string } } };
  message?: { text: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: { check: string; severity: string; requirement?: string; partition?: string; flow: unknown };
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: { tool: { driver: { name: string; version: string; rules: SarifRule[]; informationUri?: string } }; results: SarifResult[] }[];
}

const parse = (report: Report): SarifLog => JSON.parse(formatSarif(report)) as SarifLog;

// Every fixture in one report (several inputs), plus one audited without a profile (inferred roles, other findings).
const everything = fixtureReport(ALL);
const inferred = fixtureReport(['network-firewall/exposed-23456.rules', 'edge-host/exposed-23456.rules'], { profile: false });

describe('formatSarif', () => {
  it('is valid against the official SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
    expect(everything.findings.length).toBeGreaterThan(10);
    const withWaivers = waived(everything, '2029-06-01', { id: everything.findings[0]!.id, justification: 'j', approvedBy: 'a', expires: '2030-01-01' });
    for (const report of [everything, inferred, fixtureReport(['network-firewall/compliant.rules']), withWaivers]) {
      const valid = validate(JSON.parse(formatSarif(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    // The schema really is being applied: a result without its message is rejected.
    const broken = parse(everything);
    delete (broken.runs[0]!.results[0] as Partial<SarifResult>).message;
    expect(validate(broken)).toBe(false);
  });

  it('describes the tool and every check as a rule, with GitHub severity metadata and the documentation it applies', () => {
    const log = parse(everything);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: 'edge-audit', version: '0.0.0-test' });
    expect(driver.informationUri).toBeUndefined();
    expect(driver.rules.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    for (const [i, c] of CHECKS.entries()) {
      const r = driver.rules[i]!;
      expect(r.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(r.shortDescription.text).toBe(c.title);
      expect(r.fullDescription.text).toBe(c.description);
      expect(r.help.text).toContain(c.cites);
      expect(r.help.markdown).toContain(c.cites);
      expect(r.properties.tags).toEqual(expect.arrayContaining(['security', 'firewall']));
      expect(r.properties['security-severity']).toBe(EXPECTED_SECURITY_SEVERITY[c.defaultSeverity]);
      expect(r.defaultConfiguration.level).toBe(EXPECTED_LEVEL[c.defaultSeverity]);
    }
    expect(driver.rules.find((r) => r.id === 'exposed-internal-port')?.properties['security-severity']).toBe('9.5');
  });

  it('gives one result per finding, in order, with its rule, level, fingerprint and properties', () => {
    for (const report of [everything, inferred]) {
      const log = parse(report);
      const { results, tool } = log.runs[0]!;
      expect(results).toHaveLength(report.findings.length);
      for (const [i, f] of report.findings.entries()) {
        const r = results[i]!;
        expect(r.ruleId).toBe(f.check);
        expect(tool.driver.rules[r.ruleIndex!]!.id).toBe(f.check);
        expect(r.level).toBe(EXPECTED_LEVEL[f.severity]);
        expect(r.partialFingerprints).toEqual({ 'edgeAuditFindingId/v1': f.id });
        expect(r.properties).toEqual({ check: f.check, severity: f.severity, ...(f.requirement ? { requirement: f.requirement } : {}), flow: f.flow });
        expect(r.message.text).toContain(f.message);
        if (f.requirement) expect(r.message.text).toContain(f.requirement);
        if (f.citation) expect(r.message.text).toContain(f.citation);
        expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe(f.file);
        expect(r.locations.length + r.relatedLocations.length).toBe(Math.max(1, f.evidence.length));
      }
    }
    // Several severities are exercised, so the level mapping is tested on more than one value.
    expect(new Set(everything.findings.map((f) => f.severity))).toEqual(new Set(['critical', 'high', 'medium', 'low']));
  });

  it('anchors a missing flow on the rule that blocks it, not on the jump that led there', () => {
    const report = fixtureReport(['network-firewall/shadowed.rules', 'network-firewall/gap.rules']);
    const log = parse(report);
    const missing = report.findings.flatMap((f, i) => (f.check === 'missing-flow' ? [[f, log.runs[0]!.results[i]!] as const] : []));
    expect(missing).toHaveLength(2);
    for (const [f, r] of missing) {
      const blocking = f.evidence.find((e) => e.effect === 'blocks')!;
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.region.startLine).toBe(blocking.line);
      expect(fileLines(loc.artifactLocation.uri)[loc.region.startLine]).toBe(blocking.text);
      expect(loc.region.snippet?.text).toBe(blocking.text);
      // Every other line of evidence is a related location, with its text, pointing at that text in the file.
      expect(r.relatedLocations.map((l) => l.message?.text)).toEqual(f.evidence.filter((e) => e !== blocking).map((e) => e.text));
      for (const l of r.relatedLocations) expect(fileLines(l.physicalLocation.artifactLocation.uri)[l.physicalLocation.region.startLine]).toBe(l.message?.text);
    }
    const shadowed = missing.find(([f]) => f.file.endsWith('shadowed.rules'))!;
    expect(shadowed[0].evidence[0]!.effect).toBe('context'); // the first line is not the anchor
    expect(shadowed[1].locations[0]!.physicalLocation.region.snippet?.text).toContain('-j REJECT');
    const gap = missing.find(([f]) => f.file.endsWith('gap.rules'))!;
    expect(gap[1].locations[0]!.physicalLocation.region).toEqual({ startLine: 4, snippet: { text: ':FORWARD DROP [0:0]' } });
  });

  it('anchors on the first evidence line when none permits or blocks, and on line 1 without evidence; paths become URIs', () => {
    const base = fixtureReport(['network-firewall/uncertain.rules']);
    const uncertain = base.findings.find((f) => f.check === 'uncertain-verdict')!;
    expect(uncertain.evidence.every((e) => e.effect === 'uncertain')).toBe(true);
    const bare: Finding = { ...uncertain, id: '0123456789abcdef', file: 'configs\\edge fw#1.rules', evidence: [] };
    const log = parse({ ...base, findings: [uncertain, bare] });
    const [first, second] = log.runs[0]!.results;
    expect(first!.locations[0]!.physicalLocation.region.startLine).toBe(uncertain.evidence[0]!.line);
    expect(second!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'configs/edge%20fw%231.rules' }, region: { startLine: 1 } });
    expect(second!.relatedLocations).toEqual([]);
  });

  it('is deterministic: the same report gives byte-identical output, and so does the same audit run twice', () => {
    expect(formatSarif(everything)).toBe(formatSarif(everything));
    expect(formatSarif(fixtureReport(ALL))).toBe(formatSarif(everything));
  });
});

describe('formatSarif: documentation rows, waivers, implicit defaults', () => {
  it('cites in each rule\'s help the documented rows its results answer to, with page, table, row and link', () => {
    const log = parse(everything);
    for (const rule of log.runs[0]!.tool.driver.rules) {
      const rows = [...new Set(everything.findings.filter((f) => f.check === rule.id && f.requirement).map((f) => f.requirement!))];
      for (const id of rows) {
        const r = everything.requirements.find((x) => x.id === id)!;
        expect(rule.help.markdown).toContain(`| \`${id}\` | ${r.title} | [TechNet ${r.source.technetId}](${r.source.url}) | ${r.source.table.replaceAll('|', '\\|')} | ${r.source.row} |`);
        expect(rule.help.text).toContain(`- ${id}: ${r.title} — TechNet ${r.source.technetId}, "${r.source.table}", row ${r.source.row} (${r.source.url})`);
      }
      if (rows.length === 0) expect(rule.help.markdown).not.toContain('| requirement |');
    }
    const missing = log.runs[0]!.tool.driver.rules.find((r) => r.id === 'missing-flow')!;
    expect(missing.help.markdown).toContain('[TechNet JJ618371](https://technet.microsoft.com/en-us/library/JJ618371(v=OCS.15))');
  });

  it('marks a waived result as an accepted external suppression; an expired waiver leaves it open and says so', () => {
    const gap = fixtureReport(['network-firewall/gap.rules']);
    const [missing, wrongDirection] = gap.findings;
    const report = waived(gap, '2029-06-01', { id: missing!.id, justification: 'Q3', approvedBy: 'CISO', expires: '2030-01-01' }, { id: wrongDirection!.id, justification: 'old', approvedBy: 'Ops', expires: '2020-01-01' });
    const [accepted, reopened] = parse(report).runs[0]!.results as (SarifResult & { suppressions?: unknown[] })[];
    expect(accepted!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'waived until 2030-01-01 by CISO (w.json, entry 1): Q3' }]);
    expect(accepted!.level).toBe('error'); // the severity is unchanged; the suppression says it is accepted
    expect(reopened!.suppressions).toBeUndefined();
    expect(reopened!.message.text).toMatch(/\(waiver expired on 2020-01-01 \(approved by Ops, w\.json, entry 2\): the finding counts again; it said: old\)$/);
  });

  it('names the rule sets of one export a finding is found in: in the message, the properties and the fingerprint', () => {
    const report = twoVdomReport();
    const results = parse(report).runs[0]!.results;
    expect(results).toHaveLength(report.findings.length);
    for (const [i, f] of report.findings.entries()) {
      expect(f.partitions).toEqual(['root', 'dmz']);
      expect(results[i]!.message.text.startsWith(`[VDOMs root, dmz] ${f.message}`)).toBe(true);
      expect(results[i]!.partialFingerprints['edgeAuditFindingId/v1']).toBe(`${f.id}@root+dmz`);
      expect(results[i]!.properties).toMatchObject({ partitions: ['root', 'dmz'] });
    }
    // One rule set: the fingerprint a finding had before findings were merged.
    const [first] = report.findings;
    const single = parse({ ...report, findings: [{ ...first!, partitions: ['dmz'] }] }).runs[0]!.results[0]!;
    expect(single.partialFingerprints['edgeAuditFindingId/v1']).toBe(`${first!.id}@dmz`);
    expect(single.message.text.startsWith(`[VDOM dmz] `)).toBe(true);
    expect(new Set(results.map((r) => r.partialFingerprints['edgeAuditFindingId/v1'])).size).toBe(results.length);
  });

  it('anchors on a filter\'s header line without a made-up snippet when the decider is an implicit default', () => {
    const base = fixtureReport(['network-firewall/gap.rules']);
    const f = base.findings[0]!;
    const implicit = { file: f.file, line: 7, text: '(implicit deny at the end of outside_access_in)', effect: 'blocks' as const, implicit: true as const };
    const log = parse({ ...base, findings: [{ ...f, evidence: [implicit] }] });
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 7 });
  });
});
