/**
 * The real public text exports in ../shared/corpus/windows (see ../shared/reference/README.md): every rule is read
 * at its line, profile settings come out as the files set them (true = Block), and every diagnostic is one
 * edge-audit explains. Skipped, with a message, where the corpus is not checked out beside the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDevice } from '../src/audit/audit.js';
import type { Device } from '../src/model/rule-graph.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { gpoReportReader } from '../parsers/windows/gpo-xml.js';
import { windowsParser } from '../parsers/windows/index.js';
import { powershellCsvReader } from '../parsers/windows/powershell.js';
import { presentOrSkip, sharedPath } from './helpers/shared.js';

const CORPUS = sharedPath('corpus', 'windows');
const present = presentOrSkip(CORPUS, 'windows text corpus tests');

const read = (name: string) => exportFromBytes(name, readFileSync(join(CORPUS, name)));
/** The file's lines as the readers number them (decoded, CR removed), 1-based. */
const lines = (name: string) => ['', ...read(name).text.split('\n').map((l) => l.replace(/\r$/, ''))];
const messages = (ds: readonly Device[], level: 'warning' | 'info') => [...new Set(ds.flatMap((d) => d.diagnostics.filter((x) => x.level === level).map((x) => x.message)))].sort();

/** Each device audited without a site profile: nothing throws. */
function auditAll(devices: readonly Device[]): void {
  for (const d of devices) auditDevice(d, undefined, loadPacks());
}

describe.skipIf(!present)('corpus: SN Domain Firewall Baseline GPO report', () => {
  const name = 'gporeport_SN-Domain-Firewall-Baseline_gpreport.xml';

  it('reads its 93 rules, 11 inbound and 82 outbound, each at its element', () => {
    const policy = gpoReportReader.read(read(name));
    expect(policy.name).toBe('SN-Domain Firewall Baseline');
    expect(policy.rules).toHaveLength(93);
    expect(policy.rules.filter((r) => r.direction === 'in')).toHaveLength(11);
    const text = lines(name);
    for (const r of policy.rules) expect(text[r.source.line]!.trim()).toBe(r.direction === 'in' ? '<q2:InboundFirewallRules>' : '<q2:OutboundFirewallRules>');
    expect(policy.rules.find((r) => r.displayName === 'Microsoft® Block Level Backup Engine Service EXE (TCP-In)')).toMatchObject({
      localPorts: ['RPC'],
      remoteAddresses: ['127.0.0.1'],
      profiles: ['Domain'],
      program: '%SystemRoot%\\System32\\wbengine.exe',
    });
    expect(policy.rules.find((r) => r.displayName === 'Type 3 (ICMPv4-In)')!.icmpTypes).toEqual(['2:*', '3:*', '11:*', '12:*', '3:3', '3:4']);
    expect(policy.rules.filter((r) => r.edgeTraversal)).toHaveLength(6);
  });

  it('sets no profile setting, so Windows defaults hold; warns only about what it explains', () => {
    const devices = windowsParser.parse(read(name), {});
    expect(devices.map((d) => [d.partition!.name, d.firewallOff, [...d.filters.values()].map((f) => f.defaultAction)])).toEqual([
      ['Domain', undefined, ['deny', 'permit']],
      ['Private', undefined, ['deny', 'permit']],
      ['Public', undefined, ['deny', 'permit']],
    ]);
    expect(messages(devices, 'warning')).toEqual([
      expect.stringMatching(/^A GPO report holds only the rules of its GPO\(s\) and drops some keys: the Intranet address keywords/),
      expect.stringMatching(/^address keyword LocalSubnet is not defined in the site profile \(addressKeywords\): \d+ rules are uncertain$/),
    ]);
    // A port keyword is information: Windows enables such rules by default, and the verdicts they may change say so.
    expect(messages(devices, 'info')).toEqual(['port keyword RPC (dynamic RPC ports): Windows assigns its ports at run time (49152-65535): this rule is uncertain']);
    auditAll(devices);
  });
});

describe.skipIf(!present)('corpus: SN Domain Firewall Baseline audited without a site profile', () => {
  const name = 'gporeport_SN-Domain-Firewall-Baseline_gpreport.xml';
  const audits = () => windowsParser.parse(read(name), {}).map((d) => auditDevice(d, undefined, loadPacks()));

  it('takes no outbound rule toward cloud ranges (TCP 443: telemetry, Defender) for the Access Edge, nor for remote users', () => {
    for (const a of audits()) {
      expect(a.ctx.roles.has('access-edge')).toBe(false);
      expect(a.ctx.features.remoteUsers).toBe(false);
      expect(a.findings.filter((f) => f.check === 'missing-flow' || f.check === 'wrong-direction')).toEqual([]);
    }
  });

  it('says, once per firewall profile and at medium, that this policy has nothing an Edge audit can check', () => {
    for (const a of audits()) {
      expect(a.findings.filter((f) => f.check === 'nothing-checked').map((f) => [f.severity, f.message.includes('every documented flow serves a feature that is off')])).toEqual([['medium', true]]);
    }
  });
});

describe.skipIf(!present)('corpus: Microsoft security baseline GPO report (profile settings only)', () => {
  const name = 'gporeport_MSFT-baseline-firewall-profiles_gpreport.xml';

  it('reads firewall on, inbound Block and outbound Allow in every profile, each at its setting', () => {
    const policy = gpoReportReader.read(read(name));
    expect(policy.rules).toEqual([]);
    const text = lines(name);
    for (const profile of ['Domain', 'Private', 'Public'] as const) {
      const s = policy.profiles[profile]!;
      expect([s.enableFirewall?.value, s.defaultInboundAction?.value, s.defaultOutboundAction?.value]).toEqual([true, 'block', 'allow']);
      expect(text[s.enableFirewall!.source.line]!.trim()).toBe('<q3:EnableFirewall>');
      expect(text[s.defaultInboundAction!.source.line + 1]!.trim()).toBe('<q3:Value>true</q3:Value>');
    }
  });

  it('becomes three devices with those defaults; only the format note and the local-merge setting are reported', () => {
    const devices = windowsParser.parse(read(name), {});
    for (const d of devices) {
      expect(d.firewallOff).toBeUndefined();
      expect([...d.filters.values()].map((f) => [f.defaultAction, f.defaultOrigin?.line])).toEqual([
        ['deny', expect.any(Number)],
        ['permit', expect.any(Number)],
      ]);
    }
    expect(messages(devices, 'warning')).toEqual([expect.stringMatching(/^A GPO report holds only the rules/)]);
    expect(messages(devices, 'info')).toEqual(["Public profile: AllowLocalPolicyMerge is false: the host's local rules do not apply there, only those of Group Policy"]);
    auditAll(devices);
  });
});

describe.skipIf(!present)("corpus: Grafnetter's domain controller rules (CSV)", () => {
  const name = 'csv_Grafnetter-ADDS-inbound-builtin-firewall-rules.csv';

  it('reads every row, each at its line, verbatim', () => {
    const policy = powershellCsvReader.read(read(name));
    const text = lines(name);
    expect(policy.rules).toHaveLength(text.length - 2);
    for (const r of policy.rules) expect(text[r.source.line]).toBe(r.source.text);
    expect(policy.rules.find((r) => r.id === 'Active Directory Domain Controller (RPC-EPMAP)')).toMatchObject({ protocol: 'TCP', localPorts: ['RPCEPMap'], service: 'rpcss', remoteAddresses: ['Client'] });
    expect(policy.rules.find((r) => r.id === 'DNS (UDP, Incoming)')).toMatchObject({ localPorts: ['53'], program: '%systemroot%\\System32\\dns.exe' });
    expect(policy.rules.find((r) => r.id === 'Core Networking - Destination Unreachable Fragmentation Needed (ICMPv4-In)')!.icmpTypes).toEqual(['3:04']);
  });

  it("warns only about what it explains: the columns it lacks, and the file's placeholder address groups", () => {
    const devices = windowsParser.parse(read(name), {});
    expect(messages(devices, 'warning')).toEqual([
      expect.stringMatching(/^address keyword Client is not defined in the site profile/),
      expect.stringMatching(/^address keyword DC is not defined in the site profile/),
      expect.stringMatching(/^address keyword Management is not defined in the site profile/),
      expect.stringMatching(/^no Direction, Action, Enabled, Profile column: every row is read with New-NetFirewallRule's default/),
      'no LocalAddress column: every rule is read as applying to any local address',
      'no OverrideBlockRules column (Get-NetFirewallSecurityFilter): a rule that overrides block rules is read as a plain allow rule',
      expect.stringMatching(/^no profile settings \(rows with Kind = Profile\): Windows' defaults are assumed/),
    ]);
    expect(messages(devices, 'info')).toEqual([
      'port keyword RPC (dynamic RPC ports): Windows assigns its ports at run time (49152-65535): 12 rules are uncertain',
      'port keyword RPC-EPMap (RPC endpoint mapper): Windows assigns its ports at run time (135): this rule is uncertain',
      expect.stringMatching(/^the Port column is read as the local port of inbound rules/),
    ]);
    auditAll(devices);
  });
});
