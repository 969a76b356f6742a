import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Report } from '../report/report.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { twoVdomReport, waived } from '../../test/helpers/reports.js';
import { formatJunit } from './junit.js';

interface Outcome {
  '@_type'?: string;
  '@_message': string;
  '#text'?: string;
}
interface TestCase {
  '@_classname': string;
  '@_name': string;
  failure?: Outcome;
  skipped?: Outcome;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  testcase: TestCase[];
}
interface Suites {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  testsuite: Suite[];
}

/** Parses the output as a CI tool would: it must be well-formed, and entities and character references are decoded. */
function parse(report: Report): Suites {
  const xml = formatJunit(report);
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    htmlEntities: true, // numeric character references (&#10;) too
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return (parser.parse(xml) as { testsuites: Suites }).testsuites;
}

const FAILING_STATUS = new Set(['missing', 'partial', 'uncertain']);

const withProfile = fixtureReport([
  'network-firewall/gap.rules',
  'network-firewall/partial.rules',
  'network-firewall/uncertain.rules',
  'network-firewall/obsolete-wlm.rules',
  'network-firewall/any-service.rules',
  'network-firewall/compliant.rules',
]);
// Without a profile, features are inferred off: not-applicable requirements.
const inferred = fixtureReport(['network-firewall/exposed-23456.rules'], { profile: false });

describe('formatJunit', () => {
  it('has one suite per input, one test per requirement and per finding, and counts that add up', () => {
    for (const report of [withProfile, inferred]) {
      const suites = parse(report);
      expect(suites['@_name']).toBe('edge-audit');
      expect(suites.testsuite.map((s) => s['@_name'])).toEqual(report.inputs.map((i) => i.file));
      let tests = 0;
      let failures = 0;
      for (const suite of suites.testsuite) {
        const file = suite['@_name'];
        const requirements = report.requirements.filter((r) => r.file === file);
        const findings = report.findings.filter((f) => f.file === file);
        const openObsolete = requirements.filter((r) => r.status === 'obsolete' && findings.some((f) => f.check === 'obsolete-flow' && f.requirement === r.id));
        const expectedFailures = requirements.filter((r) => FAILING_STATUS.has(r.status)).length + openObsolete.length + findings.length;
        expect(suite.testcase).toHaveLength(requirements.length + findings.length);
        expect(Number(suite['@_tests'])).toBe(requirements.length + findings.length);
        expect(Number(suite['@_failures'])).toBe(expectedFailures);
        expect(suite.testcase.filter((c) => c.failure)).toHaveLength(expectedFailures);
        expect(Number(suite['@_skipped'])).toBe(requirements.filter((r) => r.status === 'not-applicable').length);
        tests += requirements.length + findings.length;
        failures += expectedFailures;
      }
      expect(Number(suites['@_tests'])).toBe(tests);
      expect(Number(suites['@_failures'])).toBe(failures);
    }
  });

  it('fails missing, partial and uncertain requirements with their status, skips not-applicable ones, passes the rest', () => {
    const seen = new Set<string>();
    for (const report of [withProfile, inferred]) {
      for (const suite of parse(report).testsuite) {
        const cases = suite.testcase.filter((c) => c['@_classname'] === 'requirements');
        const requirements = report.requirements.filter((r) => r.file === suite['@_name']);
        expect(cases.map((c) => c['@_name'])).toEqual(requirements.map((r) => r.id));
        for (const [i, r] of requirements.entries()) {
          const c = cases[i]!;
          seen.add(r.status);
          if (FAILING_STATUS.has(r.status)) {
            expect(c.failure?.['@_type']).toBe(r.status);
            expect(c.failure?.['@_message']).toBe(`${r.title}: ${r.reason}`);
            expect(c.failure?.['#text']).toContain(r.citation);
            for (const u of r.uncovered) expect(c.failure?.['#text']).toContain(u);
          } else if (r.status === 'not-applicable') {
            expect(c.skipped?.['@_message']).toBe(r.reason);
            expect(c.failure).toBeUndefined();
          } else if (r.status === 'satisfied') {
            expect(c.failure ?? c.skipped).toBeUndefined();
          }
        }
      }
    }
    expect(seen).toEqual(new Set(['satisfied', 'missing', 'partial', 'uncertain', 'obsolete', 'not-applicable']));
  });

  it('passes an obsolete requirement that is closed and fails one still open with its reason', () => {
    const suites = parse(withProfile).testsuite;
    const closed = suites.find((s) => s['@_name'].endsWith('/gap.rules'))!.testcase.find((c) => c['@_name'] === 'lync2013-sip-federation-public-im/wlm-stun-in')!;
    expect(closed.failure ?? closed.skipped).toBeUndefined();
    const open = suites.find((s) => s['@_name'].endsWith('/obsolete-wlm.rules'))!.testcase.find((c) => c['@_name'] === 'lync2013-sip-federation-public-im/wlm-stun-in')!;
    const row = withProfile.requirements.find((r) => r.file.endsWith('/obsolete-wlm.rules') && r.id === 'lync2013-sip-federation-public-im/wlm-stun-in')!;
    expect(open.failure?.['@_type']).toBe('obsolete');
    expect(open.failure?.['@_message']).toBe(`${row.title}: ${row.reason}`);
    expect(row.reason).toContain('still open');
  });

  it('fails each finding with its severity, message, evidence lines and citation', () => {
    const suites = parse(withProfile).testsuite;
    for (const suite of suites) {
      const findings = withProfile.findings.filter((f) => f.file === suite['@_name']);
      const cases = suite.testcase.filter((c) => c['@_classname'] !== 'requirements');
      expect(cases.map((c) => c['@_classname'])).toEqual(findings.map((f) => f.check));
      for (const [i, f] of findings.entries()) {
        const c = cases[i]!;
        expect(c.failure?.['@_type']).toBe(f.severity);
        expect(c.failure?.['@_message']).toBe(f.message);
        expect(c['@_name'].length).toBeLessThanOrEqual(100);
        expect(f.message.startsWith(c['@_name'].replace(/…$/, ''))).toBe(true);
        const body = c.failure?.['#text'] ?? '';
        for (const e of f.evidence) expect(body.split('\n')).toContain(`${e.file}:${e.line}: ${e.text}`);
        if (f.citation) expect(body).toContain(f.citation);
        if (f.requirement) expect(body).toContain(f.requirement);
      }
    }
    const missing = suites[0]!.testcase.find((c) => c['@_classname'] === 'missing-flow')!;
    expect(missing['@_name']).toBe('XMPP server-to-server, inbound: TCP 5269 internet → access-edge is not permitted');
    expect(missing.failure?.['#text']).toBe(
      'fixtures/iptables/network-firewall/gap.rules:4: :FORWARD DROP [0:0]\n' +
        'requirement lync2013-xmpp-federation/xmpp-s2s-in (TechNet JJ618371, "Firewall Summary for Extensible Messaging and Presence Protocol", row 1)',
    );
  });

  it('escapes quotes, apostrophes, <, > and & (and line breaks in attributes) so they survive a round trip', () => {
    const nasty = `-A LYNC-EXT -m comment --comment "a<b && c>'d'" -j ACCEPT`;
    const base = fixtureReport(['network-firewall/gap.rules']);
    const [first, ...rest] = base.findings;
    const message = `"quoted" <tag attr='x'> & more\nsecond line`;
    const report: Report = {
      ...base,
      inputs: base.inputs.map((i) => ({ ...i, file: 'odd "fw" <&>.rules' })),
      requirements: base.requirements.map((r) => ({ ...r, file: 'odd "fw" <&>.rules', reason: r.status === 'missing' ? `not <permitted> & "odd"` : r.reason })),
      findings: [{ ...first!, file: 'odd "fw" <&>.rules', message, evidence: [{ ...first!.evidence[0]!, file: 'odd "fw" <&>.rules', text: nasty }] }, ...rest.map((f) => ({ ...f, file: 'odd "fw" <&>.rules' }))],
    };
    const suite = parse(report).testsuite[0]!;
    expect(suite['@_name']).toBe('odd "fw" <&>.rules');
    const finding = suite.testcase.find((c) => c['@_classname'] === 'missing-flow')!;
    expect(finding.failure?.['@_message']).toBe(message);
    // Written as a character reference: a raw line break in an attribute is read back as a space by conforming parsers.
    expect(formatJunit(report)).toContain(`message="&quot;quoted&quot; &lt;tag attr=&apos;x&apos;&gt; &amp; more&#10;second line"`);
    expect(finding['@_name']).toBe(`"quoted" <tag attr='x'> & more second line`);
    expect(finding.failure?.['#text']?.split('\n')[0]).toBe(`odd "fw" <&>.rules:4: ${nasty}`);
    const requirement = suite.testcase.find((c) => c.failure?.['@_type'] === 'missing')!;
    expect(requirement.failure?.['@_message']).toBe(`XMPP server-to-server, inbound: not <permitted> & "odd"`);
  });

  it('replaces characters XML cannot carry instead of writing an unreadable file', () => {
    const base = fixtureReport(['network-firewall/gap.rules']);
    const report: Report = { ...base, findings: base.findings.map((f) => ({ ...f, message: `bell\u0007 nul\u0000 lone\uD800 ok😀` })) };
    const c = parse(report).testsuite[0]!.testcase.find((x) => x['@_classname'] === 'missing-flow')!;
    expect(c.failure?.['@_message']).toBe('bell\uFFFD nul\uFFFD lone\uFFFD ok😀');
  });

  it('is deterministic', () => {
    expect(formatJunit(withProfile)).toBe(formatJunit(withProfile));
    expect(formatJunit(fixtureReport(['network-firewall/gap.rules']))).toBe(formatJunit(fixtureReport(['network-firewall/gap.rules'])));
  });
});

describe('formatJunit with waivers and several rule sets in one export', () => {
  const gap = fixtureReport(['network-firewall/gap.rules']);
  const [missing, wrongDirection] = gap.findings;
  const approval = { approvedBy: 'CISO', expires: '2030-01-01' };

  it('skips a waived finding with the waiver as reason, and fails one whose waiver expired, saying so', () => {
    const report = waived(gap, '2029-06-01', { id: missing!.id, justification: 'goes live in Q3', ...approval }, { id: wrongDirection!.id, justification: 'old', approvedBy: 'Ops', expires: '2020-01-01' });
    const cases = parse(report).testsuite[0]!.testcase;
    const skipped = cases.find((c) => c['@_classname'] === 'missing-flow')!;
    expect(skipped.failure).toBeUndefined();
    expect(skipped.skipped?.['@_message']).toBe('waived until 2030-01-01 by CISO (w.json, entry 1): goes live in Q3');
    const reopened = cases.find((c) => c['@_classname'] === 'wrong-direction')!;
    expect(reopened.failure?.['@_type']).toBe('low');
    expect(reopened.failure?.['#text']).toContain('waiver expired on 2020-01-01 (approved by Ops, w.json, entry 2): the finding counts again');
    // The missing requirement still has an open finding (the expired one): it still fails.
    expect(cases.find((c) => c['@_name'] === missing!.requirement)!.failure?.['@_type']).toBe('missing');
  });

  it('skips a failing requirement once every finding about it is waived', () => {
    const report = waived(gap, '2029-06-01', { check: 'missing-flow', requirement: missing!.requirement!, justification: 'a', ...approval }, { check: 'wrong-direction', requirement: missing!.requirement!, justification: 'b', ...approval });
    const requirement = parse(report).testsuite[0]!.testcase.find((c) => c['@_name'] === missing!.requirement)!;
    expect(requirement.failure).toBeUndefined();
    expect(requirement.skipped?.['@_message']).toBe('missing, waived until 2030-01-01 by CISO (w.json, entry 1): a');
    expect(Number(parse(report).testsuite[0]!['@_failures'])).toBe(0);
  });

  it('gives each rule set of one export its own suite, with its own requirements and each finding once', () => {
    const report = twoVdomReport();
    const suites = parse(report).testsuite;
    expect(suites.map((s) => s['@_name'])).toEqual([`${gap.inputs[0]!.file} (VDOM root)`, `${gap.inputs[0]!.file} (VDOM dmz)`]);
    // A finding found alike in both is one test, in the suite of the first.
    expect(suites.map((s) => s.testcase.length)).toEqual([gap.requirements.length + gap.findings.length, gap.requirements.length]);
  });
});
