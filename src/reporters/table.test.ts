import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { waived } from '../../test/helpers/reports.js';
import { auditDevice } from '../audit/audit.js';
import { loadPacks } from '../policy/load-packs.js';
import { buildReport } from '../report/report.js';
import { loadedProfile } from '../../test/helpers/windows.js';
import { parseDevice, table } from '../../test/helpers/fortigate.js';
import { fitCell, formatTable } from './table.js';

const gap = fixtureReport(['network-firewall/gap.rules', 'network-firewall/exposed-23456.rules']);

/** The table of a FortiGate whose one Internet policy names `n` address objects: its evidence line grows with `n`. */
function manyObjectsTable(n: number): string {
  const names = Array.from({ length: n }, (_, i) => `"h${i}"`);
  const config = [
    table('system interface', ['"wan1"', ['vdom "root"', 'ip 203.0.113.2 255.255.255.0', 'role wan']], ['"dmz"', ['vdom "root"', 'ip 172.16.10.1 255.255.255.0', 'role dmz']]),
    table('firewall address', ...names.map((name, i): [string, string[]] => [name, [`subnet 198.51.${i >> 7}.${(i & 127) * 2 + 1} 255.255.255.255`]])),
    table('firewall policy', ['1', ['srcintf "wan1"', 'dstintf "dmz"', 'srcaddr "all"', `dstaddr ${names.join(' ')}`, 'action accept', 'schedule "always"', 'service "ALL"']]),
  ].join('\n');
  const profile = loadedProfile({
    name: 'many objects',
    deviceRole: 'network-firewall',
    roles: { 'access-edge': ['198.51.0.1', '198.51.0.3'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
    interfaces: { wan1: 'internet', dmz: 'edge-external' },
    features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
  });
  return formatTable(buildReport([auditDevice(parseDevice(config), profile, loadPacks())], '0.0.0-test'));
}

describe('formatTable', () => {
  it('shows a bounded part of a long cell, so its size does not grow with the rule (cli-table3 is quadratic in a line)', () => {
    const small = manyObjectsTable(150);
    const large = manyObjectsTable(300);
    expect(large).toMatch(/set dstaddr "h0" "h1"/);
    expect(large).toMatch(/"h7" "h8"/); // wrapped here, no word is lost to cli-table3's truncation
    expect(large).toContain('more characters)');
    // 150 names make a 1,000-character evidence line, 300 a 2,000-character one: both shown cut, alike in size.
    expect(large.split('\n').length).toBe(small.split('\n').length);
  }, 30_000);

  it('cuts long lines and many lines of a cell, and says how much it left out', () => {
    expect(fitCell('short\nlines', 80)).toBe('short\nlines');
    const cut = fitCell(`${'x'.repeat(1000)}\n${Array.from({ length: 99 }, (_, i) => `line ${i}`).join('\n')}`, 1000).split('\n');
    expect(cut[0]).toBe(`${'x'.repeat(240)}… (760 more characters)`);
    expect(cut).toHaveLength(41);
    expect(cut[40]).toBe('… (60 more lines)');
    expect(fitCell(`${'x'.repeat(239)}😀${'y'.repeat(10)}`, 1000).split('…')[0]).toBe('x'.repeat(239));
  });

  it('wraps each line to the width, after a space where there is one', () => {
    expect(fitCell('set dstaddr "h0" "h1" "h2"', 12)).toBe('set dstaddr\n"h0" "h1"\n"h2"');
    expect(fitCell('x'.repeat(25), 10)).toBe(`${'x'.repeat(10)}\n${'x'.repeat(10)}\n${'x'.repeat(5)}`);
  });

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
