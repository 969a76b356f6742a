import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { waived } from '../../test/helpers/reports.js';
import { formatTable } from './table.js';

const gap = fixtureReport(['network-firewall/gap.rules', 'network-firewall/exposed-23456.rules']);

describe('formatTable', () => {
  it('colours statuses and severities only when asked to, and is otherwise the same text', () => {
    const plain = formatTable(gap);
    const coloured = formatTable(gap, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[31mMISSING\x1b[0m');
    expect(coloured).toContain('\x1b[32msatisfied\x1b[0m');
    expect(coloured).toContain('\x1b[1;31mcritical\x1b[0m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('marks waived findings and lapsed waivers, and counts the waived ones', () => {
    const [missing, wrongDirection] = gap.findings.filter((f) => f.file.endsWith('gap.rules'));
    const out = formatTable(waived(gap, '2029-06-01', { id: missing!.id, justification: 'Q3', approvedBy: 'CISO', expires: '2030-01-01' }, { id: wrongDirection!.id, justification: 'old', approvedBy: 'Ops', expires: '2020-01-01' }));
    expect(out).toMatch(/│ high\s+│/);
    expect(out).toMatch(/│ waived\s+│/);
    expect(out).toMatch(/│ waiver\s+│[^\n]*\n│ EXPIRED\s+│/);
    expect(out).toContain('Waivers (w.json) as of 2029-06-01: 1 finding(s) waived, 1 re-opened by an expired waiver, 0 waiver(s) matching no finding.');
    expect(out).toMatch(/\d+ finding\(s\): .* \(1 waived\)\. Requirements:/);
  });
});
