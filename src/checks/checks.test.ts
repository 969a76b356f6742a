import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { auditDevice, type InputAudit } from '../audit/audit.js';
import { loadPacks } from '../policy/load-packs.js';
import type { LoadedProfile, SiteProfile } from '../profile/site-profile.js';
import { iptablesParser } from '../../parsers/iptables/index.js';
import { exportFromText } from '../../parsers/export-file.js';

const packs = loadPacks();

const FIREWALL: SiteProfile = {
  deviceRole: 'network-firewall',
  roles: { 'access-edge': ['203.0.113.10', '203.0.113.11'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
  interfaces: { eth0: 'internet', eth1: 'edge-external', eth2: 'edge-internal', eth3: 'internal' },
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};
const HOST: SiteProfile = {
  deviceRole: 'edge-host',
  roles: { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
  interfaces: { eth0: 'edge-external', eth1: 'edge-internal' },
  features: FIREWALL.features!,
};

function loaded(profile: SiteProfile): LoadedProfile {
  return { file: 'edge-audit.json', profile, roles: new Map(Object.entries(profile.roles ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)])) };
}

/** A FORWARD chain that opens every documented flow of both packs; tests add or remove lines from it. */
const COMPLIANT_FORWARD = [
  '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A FORWARD -d 203.0.113.10/31 -i eth0 -o eth1 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT',
  '-A FORWARD -s 203.0.113.10/31 -i eth1 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT',
  '-A FORWARD -s 10.20.0.0/24 -d 10.10.1.10/32 -i eth3 -o eth2 -p tcp -m tcp --dport 23456 -j ACCEPT',
];

function forward(lines: string[], policy = 'DROP'): string {
  return ['*filter', ':INPUT ACCEPT [0:0]', `:FORWARD ${policy} [0:0]`, ':OUTPUT ACCEPT [0:0]', ...lines, 'COMMIT', ''].join('\n');
}
function host(input: string[], output: string[]): string {
  return ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', ...input, ...output, 'COMMIT', ''].join('\n');
}

function audit(text: string, profile: SiteProfile = FIREWALL): InputAudit {
  return auditDevice(iptablesParser.parse(exportFromText('fw.rules', text), {})[0]!, loaded(profile), packs);
}
const status = (a: InputAudit, id: string) => a.requirements.find((r) => r.requirement.id === id || r.requirement.alsoIn.includes(id))?.status;
const findingsOf = (a: InputAudit, check: string) => a.findings.filter((f) => f.check === check);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('a compliant firewall', () => {
  it('satisfies every applicable requirement and yields no finding', () => {
    const a = audit(forward(COMPLIANT_FORWARD));
    expect(a.findings).toEqual([]);
    expect(status(a, 'lync2013-xmpp-federation/xmpp-s2s-in')).toBe('satisfied');
    expect(status(a, 'lync2013-sip-federation-public-im/sip-federation-out')).toBe('satisfied');
    expect(status(a, 'lync2013-xmpp-federation/xmpp-gateway-to-edge')).toBe('satisfied');
    expect(status(a, 'lync2013-sip-federation-public-im/wlm-stun-in')).toBe('obsolete');
  });
  it('audits a row that two packs document once, under the first pack, and names the other', () => {
    const a = audit(forward(COMPLIANT_FORWARD));
    const xmpp = a.requirements.filter((r) => r.requirement.rule.id === 'xmpp-s2s-in');
    expect(xmpp).toHaveLength(1);
    expect(xmpp[0]!.requirement.id).toBe('lync2013-xmpp-federation/xmpp-s2s-in');
    expect(xmpp[0]!.requirement.alsoIn).toEqual(['lync2013-sip-federation-public-im/xmpp-s2s-in']);
  });
});

describe('missing-flow', () => {
  it('reports a documented flow no rule permits, with the default policy as the blocking evidence', () => {
    const text = forward(COMPLIANT_FORWARD.map((l) => l.replace('443,5061,5269', '443,5061')));
    const a = audit(text);
    const f = findingsOf(a, 'missing-flow');
    expect(f.map((x) => x.requirement)).toEqual(['lync2013-xmpp-federation/xmpp-s2s-in']);
    expect(f[0]!.severity).toBe('high');
    expect(f[0]!.evidence).toEqual([{ file: 'fw.rules', line: 3, text: ':FORWARD DROP [0:0]', effect: 'blocks' }]);
    expect(f[0]!.flow.dport).toBe('5269');
  });
  it('names the rule that shadows a permit', () => {
    const text = forward([COMPLIANT_FORWARD[0]!, '-A FORWARD -i eth0 -p tcp -m tcp --dport 5061 -j REJECT --reject-with tcp-reset', ...COMPLIANT_FORWARD.slice(1)]);
    const f = findingsOf(audit(text), 'missing-flow');
    expect(f.map((x) => x.requirement)).toEqual(['lync2013-sip-federation-public-im/sip-federation-in']);
    // The REJECT blocks, and the permit below it that it shadows is named beside it.
    expect(f[0]!.evidence.map((e) => [e.effect, e.line])).toEqual([
      ['blocks', lineOf(text, 'REJECT')],
      ['shadowed', lineOf(text, '443,5061,5269')],
    ]);
    expect(f[0]!.message).toContain(`shadowing the permit at line ${lineOf(text, '443,5061,5269')}`);
  });
  it('does not report a flow whose feature the site has not enabled', () => {
    const text = forward(COMPLIANT_FORWARD.map((l) => l.replace('443,5061,5269', '443,5061')));
    const a = audit(text, { ...FIREWALL, features: { ...FIREWALL.features, xmppFederation: false } });
    expect(findingsOf(a, 'missing-flow')).toEqual([]);
    expect(status(a, 'lync2013-xmpp-federation/xmpp-s2s-in')).toBe('not-applicable');
  });
});

describe('partial-flow', () => {
  it('names the exact uncovered destination when one Edge pool member is forgotten', () => {
    const text = forward([...COMPLIANT_FORWARD.slice(0, 1), '-A FORWARD -d 203.0.113.10/32 -i eth0 -o eth1 -p tcp -m tcp --dport 5061 -j ACCEPT', ...COMPLIANT_FORWARD.slice(1).map((l) => l.replace('443,5061,5269', '443,5269'))]);
    const f = findingsOf(audit(text), 'partial-flow');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('high');
    expect(f[0]!.message).toContain('to 203.0.113.11');
    expect(f[0]!.message).not.toContain('to 203.0.113.10 ');
  });
  it('is low severity when only the sources are narrowed to partners', () => {
    const text = forward(COMPLIANT_FORWARD.map((l) => l.replace('-d 203.0.113.10/31 -i eth0', '-s 198.51.100.0/24 -d 203.0.113.10/31 -i eth0')));
    const f = findingsOf(audit(text), 'partial-flow');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'low')).toBe(true);
  });
  it('names the uncovered ports of a range', () => {
    const a = audit(forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/31 -i eth0 -o eth1 -p udp -m udp --dport 3478 -j ACCEPT']), { ...FIREWALL, features: { ...FIREWALL.features, publicIm: true } });
    // Obsolete rows are never partial or missing, whatever the features say.
    expect(findingsOf(a, 'partial-flow')).toEqual([]);
    expect(findingsOf(a, 'obsolete-flow').map((f) => f.requirement)).toEqual(['lync2013-sip-federation-public-im/wlm-stun-in']);
  });
});

describe('exposed-internal-port through a port forward', () => {
  it('finds an internal port the Internet reaches under another public port', () => {
    const filter = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 10.10.1.10/32 -i eth0 -o eth2 -p tcp -m tcp --dport 23456 -j ACCEPT']);
    const nat = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A PREROUTING -d 203.0.113.10/32 -i eth0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.10.1.10:23456', 'COMMIT', ''].join('\n');
    const text = filter + nat;
    const f = findingsOf(audit(text), 'exposed-internal-port').filter((x) => x.flow.to === 'edge-internal');
    expect(f.map((x) => [x.severity, x.flow.dport])).toEqual([['critical', '8443']]);
    expect(f[0]!.message).toContain('TCP 23456');
    expect(f[0]!.message).toContain('arriving as TCP 8443');
    expect(f[0]!.evidence.map((e) => e.effect).sort()).toEqual(['permits', 'translates']);
    // Without the port forward the same permit rule is not reachable from the Internet for 23456 at all.
    expect(findingsOf(audit(filter), 'exposed-internal-port').filter((x) => x.flow.to === 'edge-internal' && x.flow.dport === '8443')).toEqual([]);
  });
});

describe('any-rule', () => {
  it('reports a rule that opens any service to an Edge', () => {
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/32 -i eth0 -o eth1 -j ACCEPT']);
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => [x.severity, x.evidence[0]!.line])).toEqual([['high', lineOf(text, '-d 203.0.113.10/32 -i eth0 -o eth1 -j ACCEPT')]]);
  });
  it('reports a permitting default policy that lets any service reach an Edge, citing the policy line', () => {
    const text = forward(COMPLIANT_FORWARD, 'ACCEPT');
    const f = findingsOf(audit(text), 'any-rule').filter((x) => x.evidence.some((e) => e.text === ':FORWARD ACCEPT [0:0]'));
    // Toward an Edge: high. From an Edge (it may open anything): medium, since it exposes nothing.
    const toEdge = f.filter((x) => x.flow.from === 'internet' || x.flow.from === 'internal hosts');
    const fromEdge = f.filter((x) => x.flow.to === 'internet' || x.flow.to === 'internal hosts');
    expect(toEdge.length).toBeGreaterThan(0);
    expect(fromEdge.length).toBeGreaterThan(0);
    expect(toEdge.every((x) => x.severity === 'high')).toBe(true);
    expect(fromEdge.every((x) => x.severity === 'medium')).toBe(true);
  });
  it('reports a flow only a permitting default opens once, on the default, not as wrong-direction or obsolete-flow', () => {
    const text = forward(COMPLIANT_FORWARD, 'ACCEPT');
    const a = audit(text);
    // TCP 443 Access Edge -> Internet is the reverse of a documented inbound row; only the ACCEPT policy opens it.
    expect(findingsOf(a, 'wrong-direction').filter((f) => f.flow.dport === '443')).toEqual([]);
    expect(findingsOf(a, 'obsolete-flow')).toEqual([]);
    // A rule that opens the same reverse flow behind the ACCEPT only stands in for it: still the default's finding.
    const rule = '-A FORWARD -s 203.0.113.10/32 -i eth1 -o eth0 -p tcp -m tcp --dport 443 -j ACCEPT';
    const ruled = forward([...COMPLIANT_FORWARD, rule], 'ACCEPT');
    expect(findingsOf(audit(ruled), 'wrong-direction').filter((f) => f.flow.dport === '443')).toEqual([]);
    // Behind a DROP policy the same rule is what opens it, and is reported.
    expect(findingsOf(audit(forward([...COMPLIANT_FORWARD, rule])), 'wrong-direction').map((f) => f.flow.dport)).toContain('443');
  });
  it('does not blame a permitting default that no flow to an Edge reaches', () => {
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/31 -j DROP', '-A FORWARD -s 203.0.113.10/31 -j DROP', '-A FORWARD -d 10.10.1.10/32 -j DROP', '-A FORWARD -s 10.10.1.10/32 -j DROP'], 'ACCEPT');
    expect(findingsOf(audit(text), 'any-rule')).toEqual([]);
  });
  it('does not report "any" source on the documented external inbound rows', () => {
    expect(findingsOf(audit(forward(COMPLIANT_FORWARD)), 'any-rule')).toEqual([]);
  });
  it('reports an any-service rule that names the private address behind a DNAT, the profile naming the public one', () => {
    const filter = forward([
      COMPLIANT_FORWARD[0]!,
      '-A FORWARD -d 172.16.1.10/32 -i eth0 -o eth1 -j ACCEPT',
      ...COMPLIANT_FORWARD.slice(1).map((l) => l.replace('203.0.113.10/31', '172.16.1.10/31')),
    ]);
    const nat = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A PREROUTING -d 203.0.113.10/32 -i eth0 -j DNAT --to-destination 172.16.1.10', 'COMMIT', ''].join('\n');
    const text = filter + nat;
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => x.evidence.find((e) => e.effect === 'permits')?.line)).toEqual([lineOf(text, '-d 172.16.1.10/32 -i eth0 -o eth1 -j ACCEPT')]);
    // The finding keeps the rule's own fields (its identity across edits) and names the role as the profile does.
    expect(f[0]!.flow.dst).toEqual(['172.16.1.10']);
    expect(f[0]!.message).toContain('access-edge (203.0.113.10/31)');
  });
  it('reports a documented port opened to every destination behind the firewall', () => {
    const text = forward([...COMPLIANT_FORWARD.slice(0, 1), '-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 5061 -j ACCEPT', ...COMPLIANT_FORWARD.slice(1)]);
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0]!.message).toContain('any destination');
  });
});

describe('any-rule judges what a rule decides, not its text', () => {
  const EDGE_IN = ['-A FORWARD -i eth0 -o eth1 -j EDGE_IN', '-A EDGE_IN ! -d 203.0.113.10/31 -j RETURN', '-A EDGE_IN -p tcp -m multiport --dports 5061,443,5269 -j ACCEPT'];
  const edgeIn = (lines: string[]) =>
    forward([COMPLIANT_FORWARD[0]!, ...lines, ...COMPLIANT_FORWARD.slice(2)]).replace(':OUTPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]\n:EDGE_IN - [0:0]');

  it('does not call "any destination" a rule that only the Edge reaches, behind a RETURN for every other destination', () => {
    const a = audit(edgeIn(EDGE_IN));
    expect(status(a, 'lync2013-sip-federation-public-im/sip-federation-in')).toBe('satisfied');
    expect(findingsOf(a, 'any-rule')).toEqual([]);
  });
  it('still reports the same rule when the chain is entered for every destination', () => {
    const text = edgeIn(EDGE_IN.filter((l) => !l.includes('RETURN')));
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => [x.severity, x.flow.protocol, x.evidence.find((e) => e.effect === 'permits')!.line])).toEqual([['medium', 'tcp [any destination]', lineOf(text, '-A EDGE_IN -p tcp')]]);
  });
  it('reports a rule naming a network wider than the Edge, which decides documented ports for hosts beyond it', () => {
    const text = forward([COMPLIANT_FORWARD[0]!, '-A FORWARD -d 203.0.113.0/24 -i eth0 -o eth1 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT', ...COMPLIANT_FORWARD.slice(2)]);
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => [x.severity, x.flow.protocol, x.flow.dst])).toEqual([['medium', 'tcp [any destination]', ['203.0.113.0/24']]]);
  });
  it('does not call "any service" a rule whose other ports an earlier rule already blocks', () => {
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/31 -i eth0 -p tcp -m tcp --dport 1:1023 -j DROP', '-A FORWARD -d 203.0.113.10/31 -i eth0 -p tcp -j ACCEPT']);
    expect(findingsOf(audit(text), 'any-rule')).toEqual([]);
    // Without the DROP the same rule opens every TCP port (the documented ones through the rule before it).
    const open = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/31 -i eth0 -p tcp -j ACCEPT']);
    expect(findingsOf(audit(open), 'any-rule').map((x) => [x.severity, x.flow.protocol])).toEqual([['high', 'tcp [any service]']]);
  });
  it('reports internal sources beyond the Front End that a rule lets reach the Edge internal interface', () => {
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -s 10.0.0.0/8 -d 10.10.1.10/32 -i eth3 -o eth2 -p tcp -m tcp --dport 23456 -j ACCEPT']);
    const f = findingsOf(audit(text), 'any-rule');
    expect(f.map((x) => [x.severity, x.flow.protocol, x.flow.src])).toEqual([['low', 'tcp [any source]', ['10.0.0.0/8']]]);
  });
});

describe('any-rule defaults that do not cry wolf', () => {
  const EDGE_HOST_INPUT = ['-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT', '-A INPUT -s 10.20.0.0/24 -d 10.10.1.10/32 -i eth1 -p tcp -m tcp --dport 23456 -j ACCEPT'];
  const outboundAllow = (output: string[]) => host(EDGE_HOST_INPUT, output).replace(':OUTPUT DROP [0:0]', ':OUTPUT ACCEPT [0:0]');

  it("rates the Edge host's own outbound default Allow info, citing the CIS benchmark", () => {
    const f = findingsOf(audit(outboundAllow([]), HOST), 'any-rule');
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => x.severity)).toEqual(f.map(() => 'info'));
    expect(f.every((x) => x.evidence[0]!.text === ':OUTPUT ACCEPT [0:0]' && x.message.includes('CIS Microsoft Windows Server benchmark') && x.citation!.startsWith('CIS Microsoft Windows Server benchmark'))).toBe(true);
  });
  it('keeps a permitting default toward the Edge host high', () => {
    const text = outboundAllow([]).replace(':INPUT DROP [0:0]', ':INPUT ACCEPT [0:0]');
    const toEdge = findingsOf(audit(text, HOST), 'any-rule').filter((x) => x.flow.to !== 'internet' && x.flow.to !== 'internal hosts');
    expect(toEdge.length).toBeGreaterThan(0);
    expect(toEdge.every((x) => x.severity === 'high')).toBe(true);
  });
  it('rates info a rule that only permits what the outbound default already permits', () => {
    const text = outboundAllow(['-A OUTPUT -s 203.0.113.10/32 -p tcp -m tcp --sport 5269 -j ACCEPT']);
    const f = findingsOf(audit(text, HOST), 'any-rule').filter((x) => x.evidence.some((e) => e.line === lineOf(text, '--sport 5269')));
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'info' && x.message.includes('redundant: the default policy of OUTPUT already permits'))).toBe(true);
    // Behind an OUTPUT DROP the same rule is an open door of its own.
    const closed = host(EDGE_HOST_INPUT, ['-A OUTPUT -s 203.0.113.10/32 -p tcp -m tcp --sport 5269 -j ACCEPT']);
    expect(findingsOf(audit(closed, HOST), 'any-rule').map((x) => x.severity)).toContain('high');
  });
  it('does not let a redundant rule hide the permitting default it stands in for', () => {
    // Every flow to the Access Edge meets the rule first; without it FORWARD's ACCEPT would let them all through.
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 203.0.113.10/31 -j ACCEPT'], 'ACCEPT');
    const f = findingsOf(audit(text), 'any-rule').filter((x) => x.flow.from === 'internet' && x.flow.to === 'access-edge');
    expect(f.map((x) => [x.severity, x.evidence.at(-1)!.text]).sort()).toEqual([
      ['high', ':FORWARD ACCEPT [0:0]'],
      ['info', '-A FORWARD -d 203.0.113.10/31 -j ACCEPT'],
    ]);
  });
});

describe('wrong-direction', () => {
  it('reports TCP 443 permitted from the Access Edge out instead of in', () => {
    const text = forward([...COMPLIANT_FORWARD.map((l) => l.replace('443,5061,5269', '5061,5269')), '-A FORWARD -s 203.0.113.10/31 -i eth1 -o eth0 -p tcp -m tcp --dport 443 -j ACCEPT']);
    const a = audit(text);
    const f = findingsOf(a, 'wrong-direction');
    expect(f.map((x) => x.requirement)).toEqual(['lync2013-sip-federation-public-im/sip-client-in']);
    expect(f[0]!.evidence[0]!.line).toBe(lineOf(text, '--dport 443 -j ACCEPT'));
    expect(findingsOf(a, 'missing-flow').map((x) => x.requirement)).toEqual(['lync2013-sip-federation-public-im/sip-client-in']);
  });
  it('does not report a direction another documented row opens (5269 out is xmpp-s2s-out)', () => {
    expect(findingsOf(audit(forward(COMPLIANT_FORWARD)), 'wrong-direction')).toEqual([]);
  });
  it('reports a bidirectional row permitted one way only', () => {
    const text = forward(COMPLIANT_FORWARD.map((l) => l.replace('--dports 5061,5269', '--dports 5269')));
    const f = findingsOf(audit(text), 'wrong-direction');
    expect(f.map((x) => [x.requirement, x.severity])).toEqual([['lync2013-sip-federation-public-im/sip-federation-out', 'low']]);
  });
  it('reports 23456 from the Edge toward the Front End on an Edge host', () => {
    const text = host(
      ['-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT'],
      ['-A OUTPUT -s 203.0.113.10/32 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT', '-A OUTPUT -s 10.10.1.10/32 -d 10.20.0.0/24 -o eth1 -p tcp -m tcp --dport 23456 -j ACCEPT'],
    );
    const a = audit(text, HOST);
    expect(findingsOf(a, 'wrong-direction').map((x) => x.requirement)).toEqual(['lync2013-xmpp-federation/xmpp-gateway-to-edge']);
  });
});

describe('exposed-internal-port', () => {
  it('reports 23456 forwarded from the Internet as critical', () => {
    const text = forward([...COMPLIANT_FORWARD, '-A FORWARD -d 10.10.1.10/32 -i eth0 -o eth2 -p tcp -m tcp --dport 23456 -j ACCEPT']);
    const f = findingsOf(audit(text), 'exposed-internal-port');
    expect(f.map((x) => [x.severity, x.flow.to, x.flow.dport])).toEqual([['critical', 'edge-internal', '23456']]);
    expect(f[0]!.evidence[0]!.line).toBe(lineOf(text, '-i eth0 -o eth2'));
  });
  it('reports 23456 accepted on an Edge host without an interface or address, since it is open on the external NIC too', () => {
    const text = host(
      ['-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 23456 -j ACCEPT'],
      ['-A OUTPUT -s 203.0.113.10/32 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT'],
    );
    const f = findingsOf(audit(text, HOST), 'exposed-internal-port');
    expect(f.map((x) => [x.severity, x.flow.to, x.flow.dport])).toEqual([['critical', 'access-edge', '23456']]);
  });
  it('stays quiet when 23456 is limited to the internal interface', () => {
    const text = host(
      ['-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT', '-A INPUT -i eth1 -p tcp -m tcp --dport 23456 -j ACCEPT'],
      ['-A OUTPUT -s 203.0.113.10/32 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT'],
    );
    expect(findingsOf(audit(text, HOST), 'exposed-internal-port')).toEqual([]);
  });
});

describe('uncertain verdicts', () => {
  it('never calls a flow satisfied when an unmodelled match decides it', () => {
    const text = forward(COMPLIANT_FORWARD.map((l) => l.replace('--dports 443,5061,5269 -j ACCEPT', '--dports 443,5061,5269 -m recent --rcheck --seconds 60 -j ACCEPT')));
    const a = audit(text);
    expect(status(a, 'lync2013-xmpp-federation/xmpp-s2s-in')).toBe('uncertain');
    const f = findingsOf(a, 'uncertain-verdict');
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]!.evidence[0]!.effect).toBe('uncertain');
    expect(findingsOf(a, 'missing-flow')).toEqual([]);
  });
});

describe('address families', () => {
  it('calls a flow uncertain, not inapplicable, when its roles have only addresses of a family the export lacks', () => {
    const v6Only: SiteProfile = { ...FIREWALL, roles: { 'access-edge': ['2001:db8:10::10'], 'edge-internal': ['2001:db8:11::10'], 'front-end': ['2001:db8:20::/64'] } };
    const a = audit(forward(COMPLIANT_FORWARD), v6Only);
    const s2s = a.requirements.find((r) => r.requirement.rule.id === 'xmpp-s2s-in')!;
    expect(s2s.status).toBe('uncertain');
    expect(s2s.reason).toContain('the export has no IPv6 rules');
  });
});

describe('finding ids', () => {
  it('do not change when rules move to other lines', () => {
    const rules = COMPLIANT_FORWARD.map((l) => l.replace('443,5061,5269', '443,5061'));
    const base = forward(rules);
    const moved = forward(['-A FORWARD -s 10.99.0.0/24 -d 10.99.1.0/24 -j ACCEPT', rules[0]!, rules[3]!, rules[2]!, rules[1]!]);
    const ids = (t: string) => audit(t).findings.map((f) => f.id).sort();
    expect(ids(base)).toHaveLength(2); // xmpp-s2s-in missing, and 5269 open one way only
    expect(ids(moved)).toEqual(ids(base));
  });
});
