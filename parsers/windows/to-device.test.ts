import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';
import type { Device, Filter } from '../../src/model/rule-graph.js';
import { evaluatePath } from '../../src/engine/evaluate.js';
import { filtersOn } from '../../src/engine/topology.js';
import { ParseError } from '../parse-error.js';
import type { WindowsPolicy, WindowsProfileSettings } from './model.js';
import { parseRuleString } from './rule-string.js';
import { toDevices } from './to-device.js';

/** A policy of rule strings, one per "line" (line k+1), with optional profile settings. */
function policy(lines: string[], profiles: WindowsPolicy['profiles'] = {}, name?: string): WindowsPolicy {
  return {
    format: 'test',
    ...(name ? { name } : {}),
    rules: lines.map((text, k) => parseRuleString(text, { line: k + 1, text })),
    profiles,
    formatNotes: [],
    diagnostics: [],
  };
}

const KEYWORDS = new Map([
  ['localsubnet', AddressSet.parse('10.10.1.0/24').union(AddressSet.parse('2001:db8:11::/64'))],
  ['Intranet', AddressSet.parse('10.0.0.0/8')],
]);
const devices = (p: WindowsPolicy) => toDevices(p, 'edge.reg', { addressKeywords: KEYWORDS });
const byProfile = (ds: Device[], name: string) => ds.find((d) => d.partition?.name === name)!;
const inbound = (d: Device): Filter => [...d.filters.values()].find((f) => f.attachment?.hooks.includes('input'))!;
const outbound = (d: Device): Filter => [...d.filters.values()].find((f) => f.attachment?.hooks.includes('output'))!;

/** The decision for one TCP packet to (in) or from (out) the host, and the rule id that took it. */
function decide(d: Device, direction: 'in' | 'out', src: string, dst: string, dport: number, proto = 6) {
  const path = filtersOn(d, direction === 'in' ? 'input' : 'output', src.includes(':') ? 'ipv6' : 'ipv4', undefined, undefined);
  const packet = headerSpace({ src: AddressSet.parse(src), dst: AddressSet.parse(dst), proto: Protocols.only(proto), sport: Ports.range(49152), dport: Ports.range(dport) });
  const [o] = evaluatePath(d, path, [packet], {});
  return { decision: o!.decision, rule: o!.decidedBy?.rule?.id ?? null, uncertain: o!.uncertainty.length > 0 };
}

describe('toDevices: profiles', () => {
  it('takes the vendor rules out of the policy as it converts them, so both are not held at once', () => {
    const p = policy(['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5269|Name=a|', 'v2.30|Action=Block|Active=TRUE|Dir=In|Name=b|']);
    const [d] = devices(p);
    expect(p.rules).toEqual([]);
    expect(inbound(d!).rules.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('makes one device per profile the rules name, each with an inbound and an outbound block-over-allow filter', () => {
    const ds = devices(policy(['v2.30|Action=Allow|Active=TRUE|Dir=In|Profile=Public|Protocol=6|LPort=5269|Name=a|', 'v2.30|Action=Allow|Active=TRUE|Dir=Out|Profile=Private|Name=b|'], {}, 'EDGE01'));
    expect(ds.map((d) => [d.name, d.partition])).toEqual([
      ['EDGE01 (Private profile)', { kind: 'firewall-profile', name: 'Private' }],
      ['EDGE01 (Public profile)', { kind: 'firewall-profile', name: 'Public' }],
    ]);
    const pub = byProfile(ds, 'Public');
    expect([...pub.filters.values()].map((f) => [f.id, f.model, f.attachment, f.defaultAction, f.rules.map((r) => r.id)])).toEqual([
      ['Public/in', 'block-over-allow', { hooks: ['input'], stage: 10 }, 'deny', ['a']],
      ['Public/out', 'block-over-allow', { hooks: ['output'], stage: 10 }, 'permit', []],
    ]);
    expect(pub.interfaces).toEqual([]);
    expect(pub.families).toEqual(['ipv4', 'ipv6']);
  });

  it('puts a rule without profile into all three profiles, and names the device after the file without a policy name', () => {
    const ds = devices(policy(['v2.30|Action=Allow|Active=TRUE|Dir=In|Profile=Public|Name=a|', 'v2.30|Action=Block|Active=TRUE|Dir=In|Name=b|']));
    expect(ds.map((d) => d.name)).toEqual(['edge (Domain profile)', 'edge (Private profile)', 'edge (Public profile)']);
    expect(inbound(byProfile(ds, 'Domain')).rules.map((r) => r.id)).toEqual(['b']);
    expect(inbound(byProfile(ds, 'Public')).rules.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('takes the defaults and their origins from the profile settings, and turns the firewall off where EnableFirewall is false', () => {
    const src = (line: number) => ({ line, text: `setting ${line}` });
    const pub: WindowsProfileSettings = {
      enableFirewall: { value: false, source: src(3) },
      defaultInboundAction: { value: 'allow', source: src(4) },
      defaultOutboundAction: { value: 'block', source: src(5) },
    };
    const ds = devices(policy([], { Public: pub, Domain: { enableFirewall: { value: true, source: src(9) } } }));
    expect(ds.map((d) => d.partition!.name)).toEqual(['Domain', 'Public']);
    const p = byProfile(ds, 'Public');
    expect(p.firewallOff).toMatchObject({ file: 'edge.reg', line: 3, text: 'setting 3' });
    expect(JSON.parse(JSON.stringify(p.firewallOff))).toEqual({ file: 'edge.reg', line: 3, text: 'setting 3' });
    expect([inbound(p).defaultAction, inbound(p).defaultOrigin?.line, outbound(p).defaultAction, outbound(p).defaultOrigin?.line]).toEqual(['permit', 4, 'deny', 5]);
    expect(byProfile(ds, 'Domain').firewallOff).toBeUndefined();
    expect(inbound(byProfile(ds, 'Domain')).defaultOrigin).toBeUndefined();
  });
});

describe('toDevices: rule semantics', () => {
  it('reads local as destination and remote as source inbound, the other way round outbound', () => {
    const ds = devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5269|LA4=203.0.113.10|RA4=198.51.100.0/24|RPort=1024-65535|Name=in|',
      'v2.30|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=5269|LA4=203.0.113.10|RA4=198.51.100.7|Name=out|',
    ]));
    const d = ds[0]!;
    expect(decide(d, 'in', '198.51.100.9', '203.0.113.10', 5269)).toEqual({ decision: 'permit', rule: 'in', uncertain: false });
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 5269).decision).toBe('deny');
    expect(decide(d, 'in', '198.51.100.9', '203.0.113.11', 5269).decision).toBe('deny');
    const [outRule] = outbound(d).rules;
    expect(outRule!.match.flows[0]!.src.toStrings()).toEqual(['203.0.113.10']);
    expect(outRule!.match.flows[0]!.dst.toStrings()).toEqual(['198.51.100.7']);
    expect(Ports.format(outRule!.match.flows[0]!.dport)).toBe('5269');
    expect(Ports.format(outRule!.match.flows[0]!.sport)).toBe('any');
    const [inRule] = inbound(d).rules;
    expect(Ports.format(inRule!.match.flows[0]!.sport)).toBe('1024-65535');
  });

  it('lets a block beat an allow, an allow-bypass beat a block, and disabled rules match nothing', () => {
    const d = devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5061|Name=allow|',
      'v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=5061|RA4=192.0.2.0/24|Name=block|',
      'v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=5061|RA4=192.0.2.8|Name=bypass|',
      'v2.30|Action=Block|Active=FALSE|Dir=In|Protocol=6|LPort=5061|Name=off|',
    ]))[0]!;
    expect(decide(d, 'in', '198.51.100.1', '203.0.113.10', 5061).rule).toBe('allow');
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 5061)).toMatchObject({ decision: 'deny', rule: 'block' });
    expect(decide(d, 'in', '192.0.2.8', '203.0.113.10', 5061)).toMatchObject({ decision: 'permit', rule: 'bypass' });
    const bypass = inbound(d).rules.find((r) => r.id === 'bypass')!;
    expect(bypass.overridesBlock).toBe(true);
    expect(inbound(d).rules.find((r) => r.id === 'off')!.enabled).toBe(false);
  });

  it('resolves address keywords through the site profile, by any spelling and per family', () => {
    const d = devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|RA4=LocalSubnet|Name=rdp|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=445|RA42=IntrAnet|RA62=IntrAnet|Name=smb|',
    ]))[0]!;
    const [rdp, smb] = inbound(d).rules;
    expect(rdp!.uncertain).toEqual([]);
    // RA4=LocalSubnet: the IPv4 part of the site's LocalSubnet only.
    expect(rdp!.match.flows[0]!.src.toStrings()).toEqual(['10.10.1.0/24']);
    expect(smb!.match.flows[0]!.src.toStrings()).toEqual(['10.0.0.0/8']);
  });

  it('leaves a rule with an undefined keyword certain for its known addresses, possibly any IPv4 address for the keyword, and says so once per keyword', () => {
    const d = devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=23456|RA4=DefaultGateway|RA4=192.0.2.9|Name=a|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=23457|RA4=DefaultGateway|Name=b|',
      'v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=23458|RA4=DNS|Name=c|',
    ]))[0]!;
    const [a, b] = inbound(d).rules;
    expect(a!.uncertain).toEqual(['address keyword DefaultGateway is not defined in the site profile (addressKeywords)']);
    expect(a!.match.flows.map((h) => h.src.toString())).toEqual(['192.0.2.9']);
    expect(a!.match.possibleFlows!.map((h) => h.src.toString())).toEqual(['0.0.0.0-192.0.2.8, 192.0.2.10-255.255.255.255']);
    expect(b!.match.flows).toEqual([]);
    expect(decide(d, 'in', '192.0.2.9', '203.0.113.10', 23456)).toMatchObject({ decision: 'permit', rule: 'a', uncertain: false });
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 23456)).toMatchObject({ decision: 'deny', uncertain: true });
    expect(decide(d, 'in', '2001:db8::1', '2001:db8::10', 23456)).toMatchObject({ decision: 'deny', uncertain: false });
    // The disabled rule's keyword is not worth a warning: it never matches.
    expect(d.diagnostics).toEqual([
      { line: 1, level: 'warning', message: 'address keyword DefaultGateway is not defined in the site profile (addressKeywords): 2 rules are uncertain' },
    ]);
  });

  it('opens a port keyword\'s ports possibly, over their real range, and the numbers given beside it certainly', () => {
    const d = devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|Name=rpc|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC-EPMap|LPort=5061|Name=mixed|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=Teredo|Name=teredo|',
    ]))[0]!;
    const [rpc, mixed, teredo] = inbound(d).rules;
    expect(rpc!.uncertain).toEqual(['port keyword RPC (dynamic RPC ports): Windows assigns its ports at run time (49152-65535)']);
    expect(rpc!.match.flows).toEqual([]);
    expect(rpc!.match.possibleFlows!.map((h) => Ports.format(h.dport))).toEqual(['49152-65535']);
    expect(Ports.format(mixed!.match.flows[0]!.dport)).toBe('5061');
    expect(mixed!.match.possibleFlows!.map((h) => Ports.format(h.dport))).toEqual(['135']);
    // The Teredo client's UDP port is dynamic (GetTeredoPort): any port, possibly.
    expect(teredo!.match.possibleFlows!.map((h) => Ports.format(h.dport))).toEqual(['any']);
    // The Edge's media range lies in the dynamic RPC range: whether the RPC rule opens it is uncertain, not "closed".
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 50000)).toMatchObject({ decision: 'deny', uncertain: true });
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 5061)).toMatchObject({ decision: 'permit', rule: 'mixed', uncertain: false });
    expect(decide(d, 'in', '192.0.2.1', '203.0.113.10', 8080)).toMatchObject({ decision: 'deny', uncertain: false });
    expect(d.diagnostics.filter((x) => x.message.startsWith('port keyword')).map((x) => x.level)).toEqual(['info', 'info', 'info']);
  });

  it('puts ICMP type and code into the port dimensions, one header space per type:code', () => {
    const r = inbound(devices(policy(['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=1|ICMP4=8:*|ICMP4=3:4|Name=icmp|']))[0]!).rules[0]!;
    expect(r.match.flows.map((h) => [Protocols.format(h.proto), Ports.format(h.dport), Ports.format(h.sport)])).toEqual([
      ['icmp', '8', 'any'],
      ['icmp', '3', '4'],
    ]);
  });

  it('makes a rule uncertain for interface limits, unsettled conditions and unknown fields, but keeps program scope as evidence', () => {
    const [iftype, ipsec, unknown, app] = inbound(devices(policy([
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|IFType=Wireless|Name=a|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|Security=Authenticate|Name=b|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|Frob=1|Name=c|',
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|App=C:\\x.exe|Svc=RTCSRV|Edge=TRUE|Name=d|',
    ]))[0]!).rules;
    expect(iftype!.uncertain).toEqual(['applies only to interface type Wireless: the export does not say which interface carries the flow']);
    expect(ipsec!.uncertain[0]).toContain('IPsec');
    expect(unknown!.uncertain).toEqual(['rule field Frob is not known to edge-audit']);
    expect(app!.uncertain).toEqual([]);
    expect(app!.scope).toBe('program C:\\x.exe; service RTCSRV');
    expect(app!.edgeTraversal).toBe(true);
  });

  it('keeps edge traversal only on inbound rules, and makes repeated ids unique', () => {
    const ds = devices(policy(['v2.30|Action=Allow|Active=TRUE|Dir=Out|Edge=TRUE|Name=x|', 'v2.30|Action=Allow|Active=TRUE|Dir=Out|Name=x|']));
    expect(outbound(ds[0]!).rules.map((r) => [r.id, r.edgeTraversal])).toEqual([['x', undefined], ['x#2', undefined]]);
  });

  it('gives format notes as line-0 warnings and keeps reader diagnostics with their line', () => {
    const p = { ...policy([]), formatNotes: ['drops things'], diagnostics: [{ line: 4, level: 'info' as const, message: 'skipped' }] };
    expect(devices(p)[0]!.diagnostics).toEqual([
      { line: 0, level: 'warning', message: 'drops things' },
      { line: 4, level: 'info', message: 'skipped' },
    ]);
  });

  it.each([
    ['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=70000|Name=a|', 'invalid port "70000" in rule a'],
    ['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|RA4=10.0.0.300|Name=a|', 'invalid address "10.0.0.300" in rule a'],
    ['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=tcpx|Name=a|', 'invalid protocol "tcpx" in rule a'],
    ['v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=1|ICMP4=300:*|Name=a|', 'invalid ICMP type:code "300:*" in rule a'],
  ])('refuses a malformed value with its line: %s', (text, message) => {
    // toDevices takes the policy's rules out as it converts them: each call gets a policy of its own.
    const p = () => policy(['v2.30|Action=Allow|Active=TRUE|Dir=In|Name=ok|', text]);
    expect(() => devices(p())).toThrow(ParseError);
    try {
      devices(p());
    } catch (e) {
      expect([(e as ParseError).file, (e as ParseError).line, (e as ParseError).message]).toEqual(['edge.reg', 2, message]);
    }
  });
});
