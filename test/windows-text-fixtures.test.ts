/**
 * The Edge server's Windows Firewall as a GPO report, the README's PowerShell CSV and netsh text
 * (fixtures/windows/edge-host, see its README), audited end to end as `edge-audit check` does: one audit per
 * firewall profile, each defect producing exactly the findings the README names, and the CLI's trace on them.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDevice, type InputAudit } from '../src/audit/audit.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { loadProfile } from '../src/profile/site-profile.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { windowsParser } from '../parsers/windows/index.js';
import { REPO } from './helpers/fixtures.js';

const DIR = 'fixtures/windows/edge-host';
const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';
const packs = loadPacks();
const profile = { ...loadProfile(join(REPO, DIR, 'edge-audit.json')), file: `${DIR}/edge-audit.json` };

function audits(name: string): { profile: string; audit: InputAudit }[] {
  const file = `${DIR}/${name}`;
  const devices = windowsParser.parse(exportFromBytes(file, readFileSync(join(REPO, file))), {});
  return devices.map((d) => ({ profile: d.partition!.name, audit: auditDevice(d, profile, packs) }));
}

/** Findings as `profile check requirement@dport`, sorted. */
function findings(name: string): string[] {
  return audits(name)
    .flatMap(({ profile: p, audit }) => audit.findings.map((f) => `${p} ${f.check} ${f.requirement ?? ''}@${f.flow.dport}`))
    .sort();
}

const inEveryProfile = (findings: string[]) => ['Domain', 'Private', 'Public'].flatMap((p) => findings.map((f) => `${p} ${f}`));

/** Windows' default outbound Allow (netsh's list holds no profile settings) opens every outbound flow. */
const OUTBOUND_OPEN = [`wrong-direction ${SIP}/sip-client-in@443`, `wrong-direction ${XMPP}/xmpp-gateway-to-edge@23456`, `obsolete-flow ${SIP}/wlm-rtp-out@50000-59999`, `obsolete-flow ${SIP}/wlm-stun-out@3478`];

const EXPECTED: Record<string, string[]> = {
  'compliant.gpo.xml': [],
  'compliant.csv': [],
  'compliant.netsh.txt': inEveryProfile(OUTBOUND_OPEN),
  'public-profile-off.gpo.xml': [
    ...['@8057', '@4443', '@5062', '@50001-50003', `${XMPP}/xmpp-gateway-to-edge@23456`].map((f) => `Public exposed-internal-port ${f}`),
    ...OUTBOUND_OPEN.map((f) => `Public ${f}`),
    `Public obsolete-flow ${SIP}/wlm-stun-in@3478`,
  ],
  'any-port-allow.gpo.xml': inEveryProfile([
    'any-rule @any',
    ...['@8057', '@4443', '@5062', '@50001-50003', `${XMPP}/xmpp-gateway-to-edge@23456`].map((f) => `exposed-internal-port ${f}`),
    `obsolete-flow ${SIP}/wlm-stun-in@3478`,
  ]),
};

describe('Windows text fixtures (fixtures/windows/edge-host)', () => {
  it('has an expectation for every export in the folder', () => {
    const exports = readdirSync(join(REPO, DIR)).filter((f) => /\.(xml|csv|txt)$/.test(f));
    expect(exports.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : [...new Set(expected.map((e) => e.split(' ')[1]))].join(', ')}`, () => {
      expect(findings(name)).toEqual([...expected].sort());
    });
  }

  it('reads the same rules from the three formats, with the same verdict on every documented flow', () => {
    const verdicts = (name: string) =>
      audits(name).map(({ profile: p, audit }) => [p, audit.requirements.map((r) => `${r.requirement.rule.id} ${r.status}`).sort()]);
    expect(verdicts('compliant.csv')).toEqual(verdicts('compliant.gpo.xml'));
    const counts = (name: string) => audits(name).map(({ audit }) => [...audit.ctx.device.filters.values()].map((f) => f.rules.length));
    expect(counts('compliant.netsh.txt')).toEqual(counts('compliant.gpo.xml'));
  });

  it('rates the exposure of a profile whose firewall is off critical, and an any-port allow high, pointing at its rule', () => {
    const [publicOff] = audits('public-profile-off.gpo.xml').filter((a) => a.profile === 'Public');
    expect(publicOff!.audit.findings.filter((f) => f.check === 'exposed-internal-port').map((f) => f.severity)).toEqual(Array(5).fill('critical'));
    const anyRule = audits('any-port-allow.gpo.xml')[0]!.audit.findings.find((f) => f.check === 'any-rule')!;
    expect(anyRule.severity).toBe('high');
    const text = readFileSync(join(REPO, DIR, 'any-port-allow.gpo.xml')).subarray(2).toString('utf16le').split('\r\n');
    const [evidence] = anyRule.evidence;
    expect(text[evidence!.line - 1]!.trim()).toBe('<q1:InboundFirewallRules>');
    expect(evidence!.text).toContain('<q1:Name>Lync Edge - troubleshooting, remove after ticket 4711 (Any-In)</q1:Name>');
  });
});

describe('edge-audit trace on Windows exports', () => {
  const trace = (file: string, ...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, [join(REPO, 'bin', 'edge-audit'), 'trace', `${DIR}/${file}`, '--profile-name', 'Public', '--direction', 'in', '--proto', 'tcp', '--json', ...args], {
        cwd: REPO,
        encoding: 'utf8',
      }),
    );

  it('finds the rule that lets XMPP federation in on the Public profile, in each format', () => {
    for (const [file, line] of [
      ['compliant.gpo.xml', 153],
      ['compliant.csv', 5],
      ['compliant.netsh.txt', 2],
    ] as const) {
      const result = trace(file, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '5269');
      expect(result).toMatchObject({ decision: 'permit', default: false, rule: { file: `${DIR}/${file}`, line } });
      expect(result.rule.text).toContain('Lync Edge - Access Edge SIP, federation and XMPP (TCP-In)');
    }
  });

  it('answers with the profile default where no rule matches, and permits everything where the firewall is off', () => {
    const blocked = trace('compliant.gpo.xml', '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '23456');
    expect(blocked).toMatchObject({ decision: 'deny', default: true });
    expect(blocked.path[0].rule.text).toContain('<q1:DefaultInboundAction>');
    const open = trace('public-profile-off.gpo.xml', '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '23456');
    expect(open).toMatchObject({ decision: 'permit' });
  });
});
