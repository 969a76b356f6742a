import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../checks/index.js';
import type { Report, ReportFinding } from '../report/report.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { applyWaivers, loadWaivers, parseWaivers, resolveToday, WaiverError, type Waiver } from './waivers.js';

const GAP = 'fixtures/iptables/network-firewall/gap.rules';
const PARTIAL = 'fixtures/iptables/network-firewall/partial.rules';
const report = fixtureReport(['network-firewall/gap.rules', 'network-firewall/partial.rules']);
const missing = report.findings.find((f) => f.check === 'missing-flow')!;
const partial = report.findings.find((f) => f.check === 'partial-flow')!;

const approval = { justification: 'Partner list pending', approvedBy: 'J. Doe (security)', expires: '2031-01-31' };
const entries = (...waivers: Waiver[]) => parseWaivers({ waivers }, 'waivers.json');
const waiverOf = (findings: readonly ReportFinding[], f: ReportFinding) => findings.find((x) => x.id === f.id && x.file === f.file)?.waiver;

describe('applyWaivers', () => {
  it('waives a finding by id: it stays in the report, marked, with justification, approver, expiry and where the waiver is', () => {
    const out = applyWaivers(report, entries({ id: missing.id, ...approval }), '2030-06-01');
    expect(out.findings).toHaveLength(report.findings.length);
    expect(waiverOf(out.findings, missing)).toEqual({ status: 'active', ...approval, source: { file: 'waivers.json', entry: 1 } });
    expect(out.findings.filter((f) => f.waiver)).toHaveLength(1);
    expect(out.waivers).toEqual({ files: ['waivers.json'], evaluatedOn: '2030-06-01', waived: 1, expired: 0, unused: 0 });
    expect(out.warnings).toEqual([]);
    expect(out.summary).toEqual(report.summary);
  });

  it('waives by check and requirement, under either pack that documents the row', () => {
    expect(missing.requirement).toBe('lync2013-xmpp-federation/xmpp-s2s-in');
    for (const requirement of ['lync2013-xmpp-federation/xmpp-s2s-in', 'lync2013-sip-federation-public-im/xmpp-s2s-in']) {
      const out = applyWaivers(report, entries({ check: 'missing-flow', requirement, ...approval }), '2030-06-01');
      expect(out.findings.filter((f) => f.waiver).map((f) => f.id)).toEqual([missing.id]);
    }
    // The same requirement under another check is not waived.
    const other = applyWaivers(report, entries({ check: 'partial-flow', requirement: 'lync2013-xmpp-federation/xmpp-s2s-in', ...approval }), '2030-06-01');
    expect(other.findings.some((f) => f.waiver)).toBe(false);
    expect(other.waivers?.unused).toBe(1);
  });

  it('narrows to one file when the waiver names it, whatever the path spelling', () => {
    // The same export at a second site: the same findings, ids and requirements, in another file.
    const gap = fixtureReport(['network-firewall/gap.rules']);
    const elsewhere = <T extends { file: string }>(items: readonly T[]) => items.map((x) => ({ ...x, file: 'site-b/gap.rules' }));
    const twice: Report = { ...gap, findings: [...gap.findings, ...elsewhere(gap.findings)], requirements: [...gap.requirements, ...elsewhere(gap.requirements)] };
    const byCheck = { check: 'missing-flow', requirement: 'lync2013-sip-federation-public-im/xmpp-s2s-in', ...approval };
    const everywhere = applyWaivers(twice, entries(byCheck), '2030-06-01');
    expect(everywhere.findings.filter((f) => f.waiver).map((f) => f.file)).toEqual([GAP, 'site-b/gap.rules']);
    for (const file of [GAP, `./${GAP}`, GAP.replaceAll('/', '\\')]) {
      const one = applyWaivers(twice, entries({ ...byCheck, file }), '2030-06-01');
      expect(one.findings.filter((f) => f.waiver).map((f) => f.file)).toEqual([GAP]);
    }
    const none = applyWaivers(twice, entries({ ...byCheck, file: PARTIAL }), '2030-06-01');
    expect(none.findings.some((f) => f.waiver)).toBe(false);
  });

  it('holds through its expiry date and re-opens the finding the day after, with a warning', () => {
    const waivers = entries({ id: partial.id, ...approval, expires: '2030-06-01' });
    expect(waiverOf(applyWaivers(report, waivers, '2030-06-01').findings, partial)?.status).toBe('active');
    const after = applyWaivers(report, waivers, '2030-06-02');
    expect(waiverOf(after.findings, partial)).toMatchObject({ status: 'expired', expires: '2030-06-01', approvedBy: approval.approvedBy });
    expect(after.waivers).toMatchObject({ waived: 0, expired: 1, unused: 0 });
    expect(after.warnings).toEqual([`waiver waivers.json entry 1 expired on 2030-06-01: partial-flow finding ${partial.id} in ${PARTIAL} counts again`]);
  });

  it('prefers a waiver still in force over an expired one for the same finding', () => {
    const waivers = entries({ id: missing.id, ...approval, expires: '2020-01-01' }, { check: 'missing-flow', requirement: missing.requirement!, ...approval, justification: 'renewed' });
    const w = waiverOf(applyWaivers(report, waivers, '2030-06-01').findings, missing);
    expect(w).toMatchObject({ status: 'active', justification: 'renewed', source: { entry: 2 } });
  });

  it('warns about waivers that match no finding', () => {
    const out = applyWaivers(report, entries({ id: '0000000000000000', ...approval }), '2030-06-01');
    expect(out.warnings).toEqual(['waiver waivers.json entry 1 (id 0000000000000000) matches no finding']);
    expect(out.waivers?.unused).toBe(1);
  });
});

describe('waiver files', () => {
  const bad = (waiver: object) => () => parseWaivers({ waivers: [{ id: missing.id, ...approval }, waiver] }, 'w.json');

  it('require a justification, an approver and an expiry date, naming the entry and field', () => {
    const { justification: _j, ...noJustification } = approval;
    expect(bad({ id: missing.id, ...noJustification })).toThrow("w.json: /waivers/1 must have required property 'justification'");
    expect(bad({ id: missing.id, ...approval, justification: '  ' })).toThrow('w.json: /waivers/1/justification must match pattern');
    const { approvedBy: _a, ...noApprover } = approval;
    expect(bad({ id: missing.id, ...noApprover })).toThrow("/waivers/1 must have required property 'approvedBy'");
    expect(bad({ id: missing.id, ...approval, expires: '31/01/2031' })).toThrow('/waivers/1/expires must match pattern');
    expect(bad({ id: missing.id, ...approval, expires: '2031-02-30' })).toThrow('w.json: /waivers/1/expires "2031-02-30" is not a calendar date');
  });

  it('say which findings they waive: an id, or a check and a requirement; and a check that exists', () => {
    expect(bad({ check: 'missing-flow', ...approval })).toThrow('w.json: /waivers/1 needs "id", or "check" and "requirement"');
    expect(bad({ file: GAP, ...approval })).toThrow('/waivers/1 needs "id"');
    expect(bad({ check: 'misisng-flow', requirement: 'a/b', ...approval })).toThrow(`w.json: /waivers/1/check "misisng-flow" is not a check (known: ${CHECKS.map((c) => c.id).join(', ')})`);
    expect(bad({ id: 'ABC', ...approval })).toThrow('/waivers/1/id must match pattern');
    expect(bad({ id: missing.id, ...approval, reason: 'x' })).toThrow('/waivers/1 must NOT have additional properties (reason)');
  });

  it('are read from disk with their file name in every error and every waiver', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-waivers-'));
    const file = join(dir, 'waivers.json');
    writeFileSync(file, JSON.stringify({ waivers: [{ id: missing.id, ...approval }] }));
    expect(loadWaivers(file)).toEqual([{ waiver: { id: missing.id, ...approval }, source: { file, entry: 1 } }]);
    writeFileSync(file, '{ "waivers": [');
    expect(() => loadWaivers(file)).toThrow(WaiverError);
    expect(() => loadWaivers(file)).toThrow(`${file}: not valid JSON`);
    expect(() => loadWaivers(join(dir, 'none.json'))).toThrow('none.json: no such file');
  });
});

describe('resolveToday', () => {
  it('takes EDGE_AUDIT_TODAY when set, else the UTC date', () => {
    expect(resolveToday('2029-12-31')).toBe('2029-12-31');
    expect(resolveToday(undefined, new Date('2030-03-04T23:30:00-05:00'))).toBe('2030-03-05');
    expect(resolveToday('', new Date('2030-03-04T12:00:00Z'))).toBe('2030-03-04');
    expect(() => resolveToday('2029-13-01')).toThrow('EDGE_AUDIT_TODAY: "2029-13-01" is not a date');
    expect(() => resolveToday('tomorrow')).toThrow(WaiverError);
  });
});
