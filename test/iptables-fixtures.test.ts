/**
 * The shipped iptables fixtures (real iptables-save output, see fixtures/iptables/README.md) audited end to end:
 * each defect must produce exactly the findings its README row names, and the compliant files none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../src/model/address-set.js';
import { buildReport } from '../src/report/report.js';
import { auditFixture, fileLines, REPO } from './helpers/fixtures.js';

const buildReportFor = (audit: ReturnType<typeof auditFixture>) => buildReport([audit], '0.0.0-test');

const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';

/** Expected findings as `check requirement@dport` (requirement empty for findings about a rule, not a documented row). */
const EXPECTED: Record<string, string[]> = {
  'network-firewall/compliant.rules': [],
  'network-firewall/compliant-counters.rules': [],
  'network-firewall/dual-stack.rules': [],
  'network-firewall/gap.rules': [`missing-flow ${XMPP}/xmpp-s2s-in@5269`, `wrong-direction ${XMPP}/xmpp-s2s-in@5269`],
  'network-firewall/partial.rules': [`partial-flow ${SIP}/sip-federation-in@5061`],
  'network-firewall/any-service.rules': [
    'any-rule @any',
    `exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`,
    'exposed-internal-port @4443',
    'exposed-internal-port @5062',
    'exposed-internal-port @8057',
    'exposed-internal-port @50001-50003',
    `obsolete-flow ${SIP}/wlm-stun-in@3478`,
  ],
  'network-firewall/wrong-direction.rules': [`missing-flow ${SIP}/sip-client-in@443`, `wrong-direction ${SIP}/sip-client-in@443`],
  'network-firewall/exposed-23456.rules': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`],
  'network-firewall/shadowed.rules': [`missing-flow ${SIP}/sip-federation-in@5061`, `wrong-direction ${SIP}/sip-federation-in@5061`],
  'network-firewall/obsolete-wlm.rules': [
    `obsolete-flow ${SIP}/wlm-rtp-out@50000-59999`,
    `obsolete-flow ${SIP}/wlm-stun-in@3478`,
    `obsolete-flow ${SIP}/wlm-stun-out@3478`,
  ],
  'network-firewall/uncertain.rules': [`uncertain-verdict ${XMPP}/xmpp-s2s-in@5269`],
  'network-firewall/nat.rules': [],
  'network-firewall/well-built.rules': [],
  'network-firewall/partner-only.rules': [`partial-flow ${SIP}/sip-federation-out@5061`, `partial-flow ${XMPP}/xmpp-s2s-out@5269`],
  // The inbound permit names no destination, but only the Access Edge pair gets past the RETURN above it.
  'network-firewall/return-guarded.rules': [],
  'edge-host/compliant.rules': [],
  'edge-host/exposed-23456.rules': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`, 'any-rule @23456'],
  'edge-host/gap.rules': [`missing-flow ${XMPP}/xmpp-s2s-out@5269`, `wrong-direction ${XMPP}/xmpp-s2s-out@5269`],
  'edge-host/wrong-direction.rules': [`missing-flow ${XMPP}/xmpp-gateway-to-edge@23456`, `wrong-direction ${XMPP}/xmpp-gateway-to-edge@23456`],
  // Audited without a profile (none beside it): the Front End's addresses are unknown, so its own 23456 flow is uncertain.
  'edge-host/no-profile/chained-exposed-23456.rules': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`, `uncertain-verdict ${XMPP}/xmpp-gateway-to-edge@23456`],
};

/** Fixtures in a no-profile folder have no site profile beside them: they are audited as the CLI audits them, without one. */
const withoutProfile = (name: string) => name.includes('/no-profile/');

const root = join(REPO, 'fixtures', 'iptables');

describe('iptables fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const files = ['network-firewall', 'edge-host', 'edge-host/no-profile'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.rules')).map((f) => `${d}/${f}`));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : expected.map((e) => e.split(' ')[0]).join(', ')}`, () => {
      const audit = auditFixture(name, { profile: !withoutProfile(name) });
      const got = audit.findings.map((f) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport}`).sort();
      expect(got).toEqual([...expected].sort());
    });
  }

  it('takes anti-spoofing and internal-destination denies before a permit-any as the Internet left intact: every row satisfied', () => {
    const audit = auditFixture('network-firewall/well-built.rules');
    const live = audit.requirements.filter((r) => r.status !== 'obsolete');
    expect(live.map((r) => `${r.requirement.id} ${r.status}`)).toEqual(live.map((r) => `${r.requirement.id} satisfied`));
    // The denies are there and decide flows that are not the Internet's: 10.0.0.0/8 is excluded as a non-public range.
    expect(audit.ctx.internet.addresses.overlaps(AddressSet.parse('10.20.0.0/24'))).toBe(false);
    expect(audit.ctx.internet.addresses.overlaps(AddressSet.parse('198.51.100.7'))).toBe(true);
  });

  it('reports outbound federation toward one partner network only as low, naming the narrowed destinations', () => {
    const audit = auditFixture('network-firewall/partner-only.rules');
    for (const f of audit.findings) {
      expect(f.severity).toBe('low');
      expect(f.message).toContain('only toward some destinations');
      expect(f.message).toContain('to the Internet except 198.51.100.0/24');
      expect(f.flow.dst).toEqual(['internet']);
    }
  });

  it('audits both families of the dual-stack file, each against its own addresses', () => {
    const audit = auditFixture('network-firewall/dual-stack.rules');
    const s2s = audit.requirements.find((r) => r.requirement.rule.id === 'xmpp-s2s-in')!;
    expect(s2s.status).toBe('satisfied');
    expect(new Set(s2s.evaluation!.paths.map((p) => p.family))).toEqual(new Set(['ipv4', 'ipv6']));
  });

  it('follows DNAT/SNAT whether the profile names the Access Edge by its public or its private addresses', () => {
    const lines = fileLines('fixtures/iptables/network-firewall/nat.rules');
    for (const profile of ['edge-audit.json', 'nat-private.edge-audit.json']) {
      const audit = auditFixture('network-firewall/nat.rules', { profile });
      expect(audit.findings).toEqual([]);
      const inbound = audit.requirements.find((r) => r.requirement.rule.id === 'xmpp-s2s-in')!;
      expect(inbound.status).toBe('satisfied');
      const translated = buildReportFor(audit).requirements.find((r) => r.id === inbound.requirement.id)!.evidence.filter((e) => e.effect === 'translates');
      expect(translated.map((e) => e.text)).toEqual([lines[41], lines[42]]);
      expect(translated.every((e) => e.text.includes('-j DNAT'))).toBe(true);
    }
  });

  it('judges a rule behind a RETURN by the destinations that reach it: the Access Edge pair, so no "any destination"', () => {
    const audit = auditFixture('network-firewall/return-guarded.rules');
    const lines = fileLines('fixtures/iptables/network-firewall/return-guarded.rules');
    const permit = lines.findIndex((l) => l.startsWith('-A EDGE-IN -p tcp'));
    for (const id of ['xmpp-s2s-in', 'sip-federation-in', 'sip-client-in']) {
      const r = audit.requirements.find((x) => x.requirement.rule.id === id)!;
      expect(r.status).toBe('satisfied');
      expect(r.verdict!.permitted.map((p) => p.decidedBy!.rule!.origin.line)).toContain(permit);
    }
    expect(audit.findings).toEqual([]);
  });

  it('points a missing flow at the line that blocks it', () => {
    const text = readFileSync(join(root, 'network-firewall/shadowed.rules'), 'utf8').split('\n');
    const f = auditFixture('network-firewall/shadowed.rules').findings.find((x) => x.check === 'missing-flow')!;
    for (const e of f.evidence) expect(text[e.line - 1]).toBe(e.text);
    // The REJECT blocks; the FORWARD jump that led into its chain is shown as context, and the permit right below
    // the REJECT, which it shadows, is named beside it.
    expect(f.evidence.map((e) => [e.effect, e.text.split(' ').slice(0, 2).join(' ')])).toEqual([
      ['context', '-A FORWARD'],
      ['blocks', '-A LYNC-EXT'],
      ['shadowed', '-A LYNC-EXT'],
    ]);
    expect(f.evidence[1]!.text).toContain('-j REJECT');
    expect(f.evidence[2]!.line).toBe(f.evidence[1]!.line + 1);
    expect(f.evidence[2]!.text).toContain('--comment "SIP federation in" -j ACCEPT');
    expect(f.message).toContain(`shadowing the permit at line ${f.evidence[2]!.line}`);
  });
});

describe('iptables fixtures audited without a site profile', () => {
  const role = (name: string) => auditFixture(name, { profile: false }).ctx.inferences.find((i) => i.field === 'deviceRole')!;

  it('reads the Edge host firewall (INPUT rules, FORWARD DROP without a rule) as the Edge host, and reports the exposed 23456', () => {
    const name = 'edge-host/exposed-23456.rules';
    const audit = auditFixture(name, { profile: false });
    expect(audit.ctx.placement.deviceRole).toBe('edge-host');
    const lines = fileLines(`fixtures/iptables/${name}`);
    const inferred = role(name);
    // The INPUT rules that open the Edge's documented ports decided, the open 23456 (line 10) among them.
    expect(inferred.evidence.map((e) => e.line)).toEqual([8, 9, 10, 11]);
    for (const e of inferred.evidence) expect(e.text).toBe(lines[e.line]);
    const exposed = audit.findings.find((f) => f.check === 'exposed-internal-port')!;
    expect([exposed.severity, exposed.flow.dport, exposed.evidence.map((e) => e.line)]).toEqual(['critical', '23456', [10]]);
  });

  it('follows INPUT into its user chain and does not take the FORWARD REJECT for forwarding', () => {
    const name = 'edge-host/no-profile/chained-exposed-23456.rules';
    const lines = fileLines(`fixtures/iptables/${name}`);
    const inferred = role(name);
    expect(inferred.value).toBe('edge-host');
    expect(inferred.evidence.map((e) => e.text.split(' ').slice(0, 2).join(' '))).toEqual(['-A LYNC-EDGE', '-A LYNC-EDGE', '-A LYNC-EDGE']);
    for (const e of inferred.evidence) expect(e.text).toBe(lines[e.line]);
    expect(inferred.reason).toContain('3 rule(s) to the device itself and 0 forwarding rule(s)');
  });

  it('still reads every network-firewall fixture as a network firewall, on which the documented flows are checked', () => {
    for (const f of readdirSync(join(root, 'network-firewall')).filter((x) => x.endsWith('.rules'))) {
      const audit = auditFixture(`network-firewall/${f}`, { profile: false });
      expect([f, audit.ctx.placement.deviceRole]).toEqual([f, 'network-firewall']);
      expect(audit.findings.filter((x) => x.check === 'nothing-checked')).toEqual([]);
    }
  });
});
