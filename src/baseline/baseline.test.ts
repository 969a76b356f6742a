import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../json-schema.js';
import type { Report } from '../report/report.js';
import { applyWaivers, parseWaivers } from '../waivers/waivers.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { applyBaseline, createBaseline, loadBaseline, type Baseline } from './baseline.js';

const before = fixtureReport(['network-firewall/gap.rules', 'network-firewall/partial.rules']);
const after = fixtureReport(['network-firewall/gap.rules', 'network-firewall/partial.rules', 'network-firewall/any-service.rules']);
const parsed = (report: Report) => JSON.parse(createBaseline(report)) as Baseline;

describe('createBaseline', () => {
  it('lists every finding with its id, file, check, requirement, severity and message, valid against its schema', () => {
    const baseline = parsed(before);
    expect(compileSchema('schemas/baseline.schema.json')(baseline)).toBe(true);
    expect(baseline.baselineVersion).toBe(1);
    expect(baseline.findings).toHaveLength(before.findings.length);
    for (const f of before.findings) {
      expect(baseline.findings).toContainEqual({ id: f.id, file: f.file, check: f.check, severity: f.severity, message: f.message, ...(f.requirement ? { requirement: f.requirement } : {}) });
    }
    // Stable order, so a re-created baseline diffs only where findings changed.
    expect(createBaseline(fixtureReport(['network-firewall/partial.rules', 'network-firewall/gap.rules']))).toBe(createBaseline(before));
  });

  it('leaves out findings a waiver in force covers, but keeps those whose waiver expired', () => {
    const f = before.findings[0]!;
    const waivers = parseWaivers({ waivers: [{ id: f.id, justification: 'j', approvedBy: 'a', expires: '2030-01-01' }] }, 'w.json');
    expect(parsed(applyWaivers(before, waivers, '2029-12-31')).findings.map((e) => e.id)).not.toContain(f.id);
    expect(parsed(applyWaivers(before, waivers, '2030-01-02')).findings.map((e) => e.id)).toContain(f.id);
  });
});

describe('applyBaseline', () => {
  it('reports only findings the baseline does not list, says how many it left out, and recounts the summary', () => {
    const out = applyBaseline(after, parsed(before), 'base.json');
    const newFiles = new Set(out.findings.map((f) => f.file));
    expect(newFiles).toEqual(new Set(['fixtures/iptables/network-firewall/any-service.rules']));
    expect(out.findings).toEqual(after.findings.filter((f) => f.file.endsWith('any-service.rules')));
    expect(out.baseline).toEqual({ file: 'base.json', suppressed: before.findings.length });
    expect(out.summary.findings.total).toBe(out.findings.length);
    expect(out.summary.findings.critical).toBe(out.findings.filter((f) => f.severity === 'critical').length);
    // The requirement matrix is about the configuration, not about findings: unchanged.
    expect(out.requirements).toEqual(after.requirements);
  });

  it('counts only the waived findings it leaves in the report', () => {
    const f = after.findings.find((x) => x.file.endsWith('any-service.rules'))!;
    const g = after.findings.find((x) => x.file.endsWith('gap.rules'))!;
    const waivers = parseWaivers({ waivers: [f, g].map((x) => ({ id: x.id, file: x.file, justification: 'j', approvedBy: 'a', expires: '2030-01-01' })) }, 'w.json');
    const out = applyBaseline(applyWaivers(after, waivers, '2029-01-01'), parsed(before), 'base.json');
    expect(out.waivers).toMatchObject({ waived: 1, expired: 0, unused: 0 });
    expect(out.findings.filter((x) => x.waiver).map((x) => x.id)).toEqual([f.id]);
  });

  it('matches a finding by id and file: the same problem in another file is new', () => {
    const fw = fixtureReport(['network-firewall/gap.rules']);
    // The same export under another name: the same findings with the same ids (ids do not name the file).
    const copy: Report = { ...fw, findings: fw.findings.map((f) => ({ ...f, file: 'site-b/gap.rules' })) };
    expect(applyBaseline(copy, parsed(fw), 'b.json').findings).toEqual(copy.findings);
    // A path written with ./ or backslashes is the same file.
    const respelled: Baseline = { ...parsed(fw), findings: parsed(fw).findings.map((e) => ({ ...e, file: `.\\${e.file.replaceAll('/', '\\')}` })) };
    expect(applyBaseline(fw, respelled, 'b.json').findings).toEqual([]);
  });

  it('loads only a baseline that matches its schema, naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-baseline-'));
    const file = join(dir, 'b.json');
    writeFileSync(file, createBaseline(before));
    expect(loadBaseline(file)).toEqual(parsed(before));
    writeFileSync(file, JSON.stringify({ baselineVersion: 1, tool: 'x', findings: [{ id: 'nope', file: 'a', check: 'c', severity: 'high', message: 'm' }] }));
    expect(() => loadBaseline(file)).toThrow(`${file}: /findings/0/id must match pattern`);
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow('missing.json: no such file (create one with --create-baseline)');
  });
});
