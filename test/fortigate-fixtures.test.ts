/**
 * The shipped FortiGate fixtures (FortiOS 7.2.5 backups, see fixtures/fortigate/README.md) audited end to end as
 * `edge-audit check` audits them: each defect must produce exactly the findings its README row names, the compliant
 * files none; evidence quotes the configuration; `trace` names the policy that decides.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDevice, type InputAudit } from '../src/audit/audit.js';
import { Ports } from '../src/model/header-space.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { loadProfile } from '../src/profile/site-profile.js';
import { buildReport } from '../src/report/report.js';
import { exportFromText } from '../parsers/export-file.js';
import { fortigateParser } from '../parsers/fortigate/index.js';
import { fileLines, REPO } from './helpers/fixtures.js';

const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';
const packs = loadPacks();

/** `name` relative to fixtures/fortigate, audited with the profile beside it (or `profile` from that folder); one VDOM when asked. */
function audit(name: string, opts: { vdom?: string; profile?: string } = {}): InputAudit {
  const file = `fixtures/fortigate/${name}`;
  const profileFile = `fixtures/fortigate/${name.split('/')[0]}/${opts.profile ?? 'edge-audit.json'}`;
  const devices = fortigateParser.parse(exportFromText(file, readFileSync(join(REPO, file), 'utf8')), {});
  const device = opts.vdom ? devices.find((d) => d.partition?.name === opts.vdom)! : devices[0]!;
  return auditDevice(device, { ...loadProfile(join(REPO, profileFile)), file: profileFile }, packs);
}

/** Expected findings as `check requirement@dport` (requirement empty for findings about a rule or an interface). */
const EXPECTED: Record<string, string[]> = {
  'policy-nat/compliant.conf': [],
  'policy-nat/gap.conf': [`missing-flow ${XMPP}/xmpp-s2s-in@5269`, `wrong-direction ${XMPP}/xmpp-s2s-in@5269`],
  'policy-nat/partial.conf': [`partial-flow ${SIP}/sip-federation-in@5061`],
  'policy-nat/any-service.conf': [
    'any-rule @any | any',
    `exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`,
    'exposed-internal-port @4443',
    'exposed-internal-port @5062',
    'exposed-internal-port @8057',
    'exposed-internal-port @50001-50003',
    `obsolete-flow ${SIP}/wlm-stun-in@3478`,
  ],
  'policy-nat/wrong-direction.conf': [`missing-flow ${SIP}/sip-client-in@443`, `wrong-direction ${SIP}/sip-client-in@443`],
  'policy-nat/exposed-23456.conf': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`],
  'policy-nat/shadowed.conf': [`missing-flow ${SIP}/sip-federation-in@5061`, `wrong-direction ${SIP}/sip-federation-in@5061`],
  'policy-nat/disabled.conf': [`missing-flow ${SIP}/sip-client-in@443`],
  // Policy 7's "every source but the DMZ pool" also lets internal hosts beyond the Front End reach the Edge internal
  // interface on the documented ports: any-rule judges the sources it decides, not the negated text.
  'policy-nat/negated.conf': [
    `exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`,
    'exposed-internal-port @4443',
    'exposed-internal-port @5062',
    'exposed-internal-port @8057',
    'any-rule @443, 4443, 5061-5062, 8057, 23456 | 3478',
  ],
  'policy-nat/management-wan.conf': ['management-access @telnet', 'management-access @http', 'management-access @https', 'management-access @ssh', 'management-access @snmp', 'management-access @ping'],
  'policy-nat/management-local-in.conf': [],
  'policy-nat/management-part.conf': ['management-access @telnet', 'management-access @http', 'management-access @https', 'management-access @ssh', 'management-access @snmp', 'management-access @ping'],
  'central-nat/compliant.conf': [],
};

const root = join(REPO, 'fixtures', 'fortigate');
const key = (f: InputAudit['findings'][number]) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport}`;
const findingOf = (a: InputAudit, check: string, requirement?: string) => a.findings.find((f) => f.check === check && (requirement === undefined || f.requirement === requirement))!;

describe('FortiGate fixtures', () => {
  it('has an expectation for every single-VDOM fixture file', () => {
    const files = ['policy-nat', 'central-nat'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.conf')).map((f) => `${d}/${f}`));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : [...new Set(expected.map((e) => e.split(' ')[0]))].join(', ')}`, () => {
      expect(audit(name).findings.map(key).sort()).toEqual([...expected].sort());
    });
  }

  it('quotes every piece of evidence from the file, the policy block starting at its edit line', () => {
    for (const name of Object.keys(EXPECTED)) {
      const lines = fileLines(`fixtures/fortigate/${name}`);
      for (const f of audit(name).findings) {
        for (const e of f.evidence) expect(lines[e.line]!.trim(), `${name}:${e.line}`).toBe(e.text.split('\n')[0]);
      }
    }
  });

  it('names the deny placed above the accepting policy, not the implicit deny', () => {
    const f = findingOf(audit('policy-nat/shadowed.conf'), 'missing-flow');
    const blocks = f.evidence.filter((e) => e.effect === 'blocks');
    expect(blocks.map((e) => e.text.split('\n').slice(0, 2).join(' '))).toEqual(['edit 30     set name "Block-SIP-TLS-Scanners"']);
    // The accepting policy below it, which the deny shadows, is named beside it.
    const shadowed = f.evidence.filter((e) => e.effect === 'shadowed');
    expect(shadowed.map((e) => e.text.split('\n')[0])).toEqual(['edit 3']);
    expect(shadowed[0]!.line).toBeGreaterThan(blocks[0]!.line);
    expect(f.severity).toBe('high');
  });

  it('names the explicit deny at the end for the disabled policy, and the published addresses', () => {
    const f = findingOf(audit('policy-nat/disabled.conf'), 'missing-flow');
    expect(f.evidence.find((e) => e.effect === 'blocks')!.text).toMatch(/^edit 2\n {4}set name "Deny-Inbound-Log"/);
    expect(f.evidence.filter((e) => e.effect === 'translates').map((e) => e.text.split('\n')[0])).toEqual(['edit "VIP-Lync-AE1"', 'edit "VIP-Lync-AE2"']);
  });

  it('reports the partly covered pool with the uncovered member and what blocks it', () => {
    const f = findingOf(audit('policy-nat/partial.conf'), 'partial-flow');
    expect(f.message).toContain('to 203.0.113.11');
    expect(f.message).not.toContain('to 203.0.113.10 ');
  });

  it('reports the VIP-published 23456 at critical severity, toward the Edge internal addresses', () => {
    const f = findingOf(audit('policy-nat/exposed-23456.conf'), 'exposed-internal-port');
    expect([f.severity, f.flow.to, f.flow.dst]).toEqual(['critical', 'edge-internal', ['10.10.1.10/31']]);
    expect(f.evidence.map((e) => [e.effect, e.text.split('\n')[0]])).toEqual([
      ['translates', 'edit "VIP-XMPP-GW-Test"'],
      ['permits', 'edit 9'],
    ]);
  });

  it('finds the Internet among the sources of the negated address', () => {
    const f = findingOf(audit('policy-nat/negated.conf'), 'exposed-internal-port', `${XMPP}/xmpp-gateway-to-edge`);
    expect(f.evidence[0]!.text).toContain('set srcaddr-negate enable');
  });

  it('rates the management services the Internet reaches, one step lower where trusted hosts restrict the logins', () => {
    const a = audit('policy-nat/management-wan.conf');
    // The only administrator logs in from 10.99.0.0/24: that restricts logins, not who can connect to the admin ports
    // (Fortinet advises a local-in policy for that), so https, ssh, http and telnet are open, one step lower.
    expect(Object.fromEntries(a.findings.map((f) => [f.flow.dport, f.severity]))).toEqual({ telnet: 'high', http: 'high', https: 'medium', ssh: 'medium', snmp: 'medium', ping: 'low' });
    expect(a.findings.every((f) => f.flow.src[0] === 'internet')).toBe(true);
    expect(a.findings.find((f) => f.flow.dport === 'telnet')!.message).toContain('administrator logins only from the trusted hosts 10.99.0.0/24');
    expect(a.findings.find((f) => f.flow.dport === 'snmp')!.message).not.toContain('trusted hosts');
    expect(findingOf(a, 'management-access').evidence).toEqual([{ file: 'fixtures/fortigate/policy-nat/management-wan.conf', line: 40, text: 'set allowaccess ping https ssh http telnet snmp', effect: 'permits' }]);
    const https = a.ctx.device.filters.get('allowaccess')!.rules.find((r) => r.deviceService === 'https' && r.match.inInterface?.names[0] === 'wan1')!;
    expect(Ports.format(https.match.flows[0]!.dport)).toBe('8443');
  });

  it('closes the management services that a local-in deny placed before them drops, whatever allowaccess enables', () => {
    const a = audit('policy-nat/management-local-in.conf');
    expect(a.findings).toEqual([]);
    // Same wan1 line, same services: only the local-in policy differs from management-wan.conf.
    expect(audit('policy-nat/management-wan.conf').findings.map((f) => f.flow.dport)).toEqual(['ping', 'https', 'ssh', 'http', 'telnet', 'snmp']);
  });

  it('rates a service one step lower when the local-in policy drops part of the Internet, naming the rest', () => {
    const a = audit('policy-nat/management-part.conf');
    expect(a.findings.map((f) => [f.flow.dport, f.severity])).toEqual([['ping', 'info'], ['https', 'medium'], ['ssh', 'medium'], ['http', 'high'], ['telnet', 'high'], ['snmp', 'low']]);
    const snmp = a.findings.find((f) => f.flow.dport === 'snmp')!;
    expect(snmp.message).toContain('reachable from the Internet except 45.0.0.0/8 only');
    expect(snmp.flow.src).toEqual(['the Internet except 45.0.0.0/8']);
    expect(snmp.evidence.map((e) => e.text)).toEqual(['set allowaccess ping https ssh http telnet snmp']);
  });

  it('audits central NAT whether the profile names the Access Edge by its public or its real addresses', () => {
    for (const profile of ['edge-audit.json', 'private.edge-audit.json']) {
      const a = audit('central-nat/compliant.conf', { profile });
      expect(a.findings, profile).toEqual([]);
      expect(a.requirements.filter((r) => r.status === 'satisfied').map((r) => r.requirement.rule.id).sort(), profile).toEqual(
        ['sip-client-in', 'sip-federation-in', 'sip-federation-out', 'xmpp-gateway-to-edge', 'xmpp-s2s-in', 'xmpp-s2s-out'],
      );
    }
  });

  it('audits VDOM root of the multi-VDOM backup like the single-VDOM one', () => {
    const a = audit('multi-vdom/multi-vdom.conf', { vdom: 'root' });
    expect(a.ctx.device.name).toBe('FGT-EDGE01 (vdom root)');
    expect(a.findings).toEqual([]);
    expect(a.requirements.filter((r) => r.status === 'satisfied')).toHaveLength(6);
  });

  it('places VDOM LAB only by the profile interfaces it owns: the Edge flows do not cross it, so none is missing, and that nothing was checked is said', () => {
    const a = audit('multi-vdom/multi-vdom.conf', { vdom: 'LAB' });
    const own = new Set(a.ctx.device.interfaces.map((i) => i.name));
    expect([...a.ctx.placement.interfaces.keys()].every((name) => own.has(name))).toBe(true);
    expect(a.requirements.filter((r) => r.status === 'missing' || r.status === 'partial')).toEqual([]);
    // Auditing a VDOM that carries none of the site's traffic checks nothing: never a silent pass.
    expect(a.findings.map((f) => [f.check, f.severity])).toEqual([['nothing-checked', 'high']]);
    expect(a.findings[0]!.message).toContain('internal5 → internet');
  });

  it('never shows a secret in a report', () => {
    const report = JSON.stringify(buildReport([audit('policy-nat/management-wan.conf'), audit('policy-nat/compliant.conf')], '0.0.0-test'));
    const text = readFileSync(join(root, 'policy-nat', 'compliant.conf'), 'utf8');
    for (const secret of [/set password ENC (\S+)/, /BEGIN ENCRYPTED PRIVATE KEY-----\n(\S+)/]) expect(report).not.toContain(secret.exec(text)![1]);
  });
});

describe('edge-audit on FortiGate exports', () => {
  const bin = join(REPO, 'bin', 'edge-audit');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const trace = (file: string, ...args: string[]) => run(['trace', `fixtures/fortigate/${file}`, '--src', '198.51.100.7', '--proto', 'tcp', '--json', ...args]);

  it('traces a packet from wan1 to the dmz to the policy that permits it, through the VIP that publishes the Edge', () => {
    const r = trace('policy-nat/compliant.conf', '--in', 'wan1', '--out', 'dmz', '--dst', '203.0.113.10', '--dport', '5269');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    const lines = fileLines('fixtures/fortigate/policy-nat/compliant.conf');
    expect(t).toMatchObject({ decision: 'permit', default: false, filter: 'firewall policy' });
    expect(t.rule.text.split('\n')[0]).toBe('edit 3');
    expect(lines[t.rule.line]!.trim()).toBe('edit 3');
    expect(t.translations.map((x: { text: string }) => x.text.split('\n')[0])).toEqual(['edit "VIP-Lync-AE1"']);
  });

  it('traces the shadowing deny, and the implicit deny when no policy matches', () => {
    const shadowed = JSON.parse(trace('policy-nat/shadowed.conf', '--in', 'wan1', '--out', 'dmz', '--dst', '203.0.113.11', '--dport', '5061').stdout);
    expect(shadowed.decision).toBe('deny');
    expect(shadowed.rule.text.split('\n')[0]).toBe('edit 30');
    const none = JSON.parse(trace('policy-nat/compliant.conf', '--in', 'dmz', '--out', 'internal1', '--dst', '10.10.1.10', '--dport', '22').stdout);
    expect(none).toMatchObject({ decision: 'deny', default: true, rule: null, filter: 'firewall policy' });
  });

  it('needs --vdom to trace a multi-VDOM backup, and lists the VDOMs', () => {
    const r = trace('multi-vdom/multi-vdom.conf', '--in', 'wan1', '--out', 'dmz', '--dst', '203.0.113.10', '--dport', '5269');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds 2 rule sets (root, LAB); choose one with --vdom');
    const t = JSON.parse(trace('multi-vdom/multi-vdom.conf', '--vdom', 'root', '--in', 'wan1', '--out', 'dmz', '--dst', '203.0.113.10', '--dport', '5269').stdout);
    expect(t.decision).toBe('permit');
  });

  it('checks one VDOM with --vdom, and names the VDOMs when the name is wrong', () => {
    const r = run(['check', 'fixtures/fortigate/multi-vdom/multi-vdom.conf', '--vdom', 'root', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inputs.map((i: { device: string }) => i.device)).toEqual(['FGT-EDGE01 (vdom root)']);
    const bad = run(['check', 'fixtures/fortigate/multi-vdom/multi-vdom.conf', '--vdom', 'dmz', '--format', 'json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no such VDOM (there are: root, LAB)');
  });

  it('exits 1 on the gap and names file and line of a truncated backup', () => {
    expect(run(['check', 'fixtures/fortigate/policy-nat/gap.conf', '--format', 'json']).code).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    writeFileSync(join(dir, 'cut.conf'), '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\nconfig firewall policy\n    edit 1\n');
    const truncated = spawnSync(process.execPath, [bin, 'check', 'cut.conf'], { cwd: dir, encoding: 'utf8' });
    expect(truncated.status).toBe(2);
    expect(truncated.stderr.trim()).toBe('edge-audit: cut.conf:3: the file ends inside "edit 1" of "config firewall policy" (no matching "next"): the export is truncated');
  });
});
