/**
 * The Edge server's Windows Firewall as a GPO report, the README's PowerShell CSV and netsh text
 * (fixtures/windows/edge-host, see fixtures/windows/README.md section B), audited end to end as `edge-audit check`
 * does for the firewall profile the site profile names: each defect must produce exactly the findings the README
 * names, the compliant exports none; and the CLI's trace on them.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../src/profile/site-profile.js';
import { buildReport } from '../src/report/report.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { REPO } from './helpers/fixtures.js';
import { auditWindows } from './helpers/windows.js';

const DIR = 'fixtures/windows/edge-host';
const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';
const profile = { ...loadProfile(join(REPO, DIR, 'edge-audit.json')), file: `${DIR}/edge-audit.json` };
const input = (name: string) => exportFromBytes(`${DIR}/${name}`, readFileSync(join(REPO, DIR, name)));
const audit = (name: string) => auditWindows(input(name), profile);
/** The file's lines as the readers number them (decoded, CR removed), 1-based. */
const lines = (name: string) => ['', ...input(name).text.split('\n').map((l) => l.replace(/\r$/, ''))];

/** Windows' default outbound Allow lets the Edge open anything, on both sides: reported once per side, on the default. */
const OUTBOUND_OPEN = ['any-rule @any', 'any-rule @any'];
const EXPOSED = ['@4443', '@5062', '@8057', '@50001-50003', `${XMPP}/xmpp-gateway-to-edge@23456`].map((f) => `exposed-internal-port ${f}`);

/** Expected findings as `check requirement@dport` (requirement empty for findings about a rule or the profile). */
const EXPECTED: Record<string, string[]> = {
  'compliant.gpo.xml': [],
  'compliant.csv': [],
  // netsh's list holds no profile settings: Windows' default outbound Allow is assumed.
  'compliant.netsh.txt': OUTBOUND_OPEN,
  // With the firewall off nothing decides: firewall-disabled says so once, and the exposed internal ports are named.
  'public-profile-off.gpo.xml': ['firewall-disabled @any', ...EXPOSED],
  'any-port-allow.gpo.xml': ['any-rule @any', ...EXPOSED, `obsolete-flow ${SIP}/wlm-stun-in@3478`],
};

describe('Windows text fixtures (fixtures/windows/edge-host)', () => {
  it('has an expectation for every export in the folder', () => {
    expect(readdirSync(join(REPO, DIR)).filter((f) => /\.(xml|csv|txt)$/.test(f)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : [...new Set(expected.map((e) => e.split(' ')[0]))].join(', ')}`, () => {
      const result = audit(name);
      expect(result.ctx.device.partition).toEqual({ kind: 'firewall-profile', name: 'Public' });
      expect(result.findings.map((f) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport}`).sort()).toEqual([...expected].sort());
      // Every piece of evidence is the text at the line it names, verbatim (except a default that no line declares).
      const text = lines(name);
      for (const e of result.findings.flatMap((f) => f.evidence).filter((x) => !x.implicit)) expect(text.slice(e.line, e.line + e.text.split('\n').length).join('\n')).toBe(e.text);
    });
  }

  it('reads the same rules from the three formats, with the same verdict on every documented flow', () => {
    const verdicts = (name: string) => audit(name).requirements.map((r) => `${r.requirement.rule.id} ${r.status}`).sort();
    expect(verdicts('compliant.csv')).toEqual(verdicts('compliant.gpo.xml'));
    const counts = (name: string) => [...audit(name).ctx.device.filters.values()].map((f) => f.rules.length);
    expect(counts('compliant.netsh.txt')).toEqual(counts('compliant.gpo.xml'));
    expect(counts('compliant.csv')).toEqual(counts('compliant.gpo.xml'));
  });

  it("rates Windows' default outbound Allow on the Edge host info, citing the CIS benchmark that recommends it", () => {
    const f = audit('compliant.netsh.txt').findings;
    expect(f.map((x) => [x.check, x.severity])).toEqual([
      ['any-rule', 'info'],
      ['any-rule', 'info'],
    ]);
    expect(f.every((x) => x.citation!.startsWith('CIS Microsoft Windows Server benchmark') && x.message.includes('Allow (default)'))).toBe(true);
  });

  it('rates info an outbound rule that only permits what the default outbound Allow already permits', () => {
    // The netsh list plus one rule keyed on local port 5269 with any remote port: every port, but nothing the
    // default behind it would not permit anyway.
    const rule = [
      'Rule Name:                            XMPP replies (TCP-Out)',
      '----------------------------------------------------------------------',
      'Enabled:                              Yes',
      'Direction:                            Out',
      'Profiles:                             Domain,Private,Public',
      'Grouping:                             ',
      'LocalIP:                              203.0.113.10/32',
      'RemoteIP:                             Any',
      'Protocol:                             TCP',
      'LocalPort:                            5269',
      'RemotePort:                           Any',
      'Edge traversal:                       No',
      'InterfaceTypes:                       Any',
      'Security:                             NotRequired',
      'Rule source:                          Local Setting',
      'Action:                               Allow',
      '',
    ].join('\r\n');
    const text = readFileSync(join(REPO, DIR, 'compliant.netsh.txt'), 'latin1').replace('Ok.\r\n', `\r\n${rule}Ok.\r\n`);
    const result = auditWindows(exportFromBytes(`${DIR}/extra.netsh.txt`, Buffer.from(text, 'latin1')), profile);
    const own = result.findings.filter((f) => f.evidence.some((e) => e.text.includes('XMPP replies (TCP-Out)')));
    expect(own.length).toBeGreaterThan(0);
    expect(own.map((f) => [f.check, f.severity])).toEqual(own.map(() => ['any-rule', 'info']));
    expect(own.every((f) => f.message.includes('redundant: the default policy of'))).toBe(true);
    // Nor is it a wrong-direction 443 or an obsolete Live Messenger flow of its own: the default would open those too.
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('rates the any-port allow high and points at its rule element', () => {
    const anyRule = audit('any-port-allow.gpo.xml').findings.find((f) => f.check === 'any-rule')!;
    expect(anyRule.severity).toBe('high');
    expect(anyRule.evidence.map((e) => [e.effect, lines('any-port-allow.gpo.xml')[e.line]!.trim()])).toEqual([['permits', '<q1:InboundFirewallRules>']]);
    expect(anyRule.evidence[0]!.text).toContain('<q1:Name>Lync Edge - troubleshooting, remove after ticket 4711 (Any-In)</q1:Name>');
  });

  it('rates the exposure of the profile whose firewall is off critical, pointing at its EnableFirewall setting', () => {
    const findings = audit('public-profile-off.gpo.xml').findings;
    expect(findings.filter((f) => f.check === 'exposed-internal-port' || f.check === 'firewall-disabled').map((f) => f.severity)).toEqual(Array(6).fill('critical'));
    const off = findings.find((f) => f.check === 'firewall-disabled')!;
    const text = lines('public-profile-off.gpo.xml');
    expect(off.evidence.map((e) => text[e.line]!.trim())).toEqual(['<q1:EnableFirewall>']);
    expect(text.slice(0, off.evidence[0]!.line).reverse().find((l) => l.includes('Profile>'))!.trim()).toBe('<q1:PublicProfile>');
  });
});

describe('a member-server baseline GPO with outbound TCP 443 to cloud ranges, audited without a site profile (fixtures/windows/server-baseline)', () => {
  const dir = 'fixtures/windows/server-baseline';
  const file = (name: string) => exportFromBytes(`${dir}/${name}`, readFileSync(join(REPO, dir, name)));
  const audits = () => ['Domain', 'Private', 'Public'].map((p) => auditWindows(file('telemetry-out.gpo.xml'), undefined, p));

  it('reads its outbound rules as outbound: their cloud destinations are not the Access Edge, and remote users stay off', () => {
    for (const a of audits()) {
      expect(a.ctx.placement.deviceRole).toBe('edge-host');
      expect(a.ctx.roles.size).toBe(0);
      expect(a.ctx.features).toEqual({ xmppFederation: false, sipFederation: false, publicIm: false, remoteUsers: false });
    }
  });

  it('reports no missing or wrong-direction 443, only (medium) that there is nothing to check, once for its three profiles', () => {
    for (const a of audits()) expect(a.findings.map((f) => `${f.check} ${f.severity}`)).toEqual(['nothing-checked medium']);
    const report = buildReport(audits(), '0.0.0-test');
    expect(report.findings.map((f) => [f.check, f.partitions])).toEqual([['nothing-checked', ['Domain', 'Private', 'Public']]]);
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
  const firstRuleLine = (file: string, marker: string) => lines(file).findIndex((l) => l.includes(marker));

  it('finds the rule that lets XMPP federation in on the Public profile, in each format', () => {
    for (const [file, marker] of [
      ['compliant.gpo.xml', '<q1:InboundFirewallRules>'],
      ['compliant.csv', '"Rule",'],
      ['compliant.netsh.txt', 'Rule Name:'],
    ] as const) {
      const result = trace(file, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '5269');
      expect(result).toMatchObject({ decision: 'permit', default: false, rule: { file: `${DIR}/${file}`, line: firstRuleLine(file, marker) } });
      expect(result.rule.text).toContain('Lync Edge - Access Edge SIP, federation and XMPP (TCP-In)');
    }
  });

  it("answers with the profile's default where no rule matches, and permits everything where the firewall is off", () => {
    const blocked = trace('compliant.gpo.xml', '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '23456');
    expect(blocked).toMatchObject({ decision: 'deny', default: true });
    expect(blocked.path[0].rule.text).toMatch(/^\s*<q1:DefaultInboundAction>\n\s*<q1:Value>true<\/q1:Value>/);
    const open = trace('public-profile-off.gpo.xml', '--src', '198.51.100.7', '--dst', '203.0.113.10', '--dport', '23456');
    expect(open).toMatchObject({ decision: 'permit' });
  });
});
