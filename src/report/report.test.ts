import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../checks/index.js';
import { compileSchema, packageRoot } from '../json-schema.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { twoVdomReport, waived } from '../../test/helpers/reports.js';
import type { Report } from './report.js';

const validate = compileSchema<Report>('schemas/report.schema.json');
const valid = (report: Report) => {
  const ok = validate(JSON.parse(JSON.stringify(report)));
  return ok || validate.errors;
};

describe('the JSON report schema', () => {
  it('accepts reports with rule sets, waivers, a baseline and skipped files', () => {
    const gap = fixtureReport(['network-firewall/gap.rules']);
    expect(valid(twoVdomReport())).toBe(true);
    const withWaiver = waived(gap, '2030-01-01', { id: gap.findings[0]!.id, justification: 'j', approvedBy: 'a', expires: '2029-01-01' });
    expect(withWaiver.findings[0]!.waiver?.status).toBe('expired');
    expect(valid(withWaiver)).toBe(true);
    expect(valid({ ...gap, baseline: { file: 'b.json', suppressed: 2 }, skipped: [{ file: 'README.md', reason: 'not a recognized firewall export' }] })).toBe(true);
  });

  it('names every check in its enum of finding check ids, and no other', () => {
    const schema = readFileSync(join(packageRoot(), 'schemas', 'report.schema.json'), 'utf8');
    const ids = JSON.parse(/"check": (\{ "type": "string", "enum": \[[^\]]*\] \})/.exec(schema)![1]!).enum as string[];
    expect([...ids].sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it('rejects what the contract does not allow', () => {
    const gap = fixtureReport(['network-firewall/gap.rules']);
    const withWaiver = waived(gap, '2030-01-01', { id: gap.findings[0]!.id, justification: 'j', approvedBy: 'a', expires: '2031-01-01' });
    const [first, ...rest] = withWaiver.findings;
    const { justification: _gone, ...noJustification } = first!.waiver!;
    expect(valid({ ...withWaiver, findings: [{ ...first!, waiver: noJustification as NonNullable<typeof first>['waiver'] }, ...rest] })).not.toBe(true);
    expect(valid({ ...gap, waivers: { files: [], evaluatedOn: 'today', waived: 0, expired: 0, unused: 0 } })).not.toBe(true);
    const { baseline: _b, ...noBaseline } = gap;
    expect(valid(noBaseline as Report)).not.toBe(true);
    // Every requirement carries its state; a finding names its rule sets as a list, never one `partition`.
    const [row, ...rows] = gap.requirements;
    const { state: _s, ...noState } = row!;
    expect(valid({ ...gap, requirements: [noState as typeof row & {}, ...rows] })).not.toBe(true);
    expect(valid({ ...gap, requirements: [{ ...row!, state: { ...row!.state, open: 'yes' as unknown as boolean } }, ...rows] })).not.toBe(true);
    const merged = twoVdomReport();
    expect(merged.findings[0]!.partitions).toEqual(['root', 'dmz']);
    expect(valid({ ...merged, findings: [{ ...merged.findings[0]!, partition: 'root' } as (typeof merged.findings)[number]] })).not.toBe(true);
    expect(valid({ ...merged, findings: [{ ...merged.findings[0]!, partitions: [] }] })).not.toBe(true);
  });
});
