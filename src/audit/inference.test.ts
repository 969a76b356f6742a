import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { loadPacks } from '../policy/load-packs.js';
import { ProfileError, type LoadedProfile, type SiteProfile } from '../profile/site-profile.js';
import { iptablesParser } from '../../parsers/iptables/index.js';
import { asaParser } from '../../parsers/asa/index.js';
import { exportFromText } from '../../parsers/export-file.js';
import { buildContext, type AuditContext } from './context.js';
import { parseDevice, table } from '../../test/helpers/fortigate.js';

const packs = loadPacks();

function save(chains: Record<string, string>, rules: string[]): string {
  return ['*filter', ...Object.entries(chains).map(([c, p]) => `:${c} ${p} [0:0]`), ...rules, 'COMMIT', ''].join('\n');
}
function context(text: string, profile?: SiteProfile): AuditContext {
  const device = iptablesParser.parse(exportFromText('fw.rules', text), {})[0]!;
  const loaded: LoadedProfile | undefined = profile && {
    file: 'site/edge-audit.json',
    profile,
    roles: new Map(Object.entries(profile.roles ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)])),
  };
  return buildContext(device, loaded, packs);
}
const inferred = (ctx: AuditContext, field: string) => ctx.inferences.find((i) => i.field === field)!;
const lines = (ctx: AuditContext, field: string) => inferred(ctx, field).evidence.map((e) => e.line);

const HOST_CHAINS = { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'DROP' };
const EDGE_INPUT = [
  '-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT', // line 5
  '-A INPUT -p tcp -m tcp --dport 23456 -j ACCEPT', // line 6
];

describe('device role inference', () => {
  it('reads INPUT rules that open the Edge ports, with FORWARD DROP and no FORWARD rule, as the Edge host, citing those rules', () => {
    const ctx = context(save(HOST_CHAINS, EDGE_INPUT));
    expect(ctx.placement.deviceRole).toBe('edge-host');
    expect(lines(ctx, 'deviceRole')).toEqual([5, 6]);
  });

  it('reads an appliance (ASA, FortiGate) as a network firewall even with no rule at all, and a routing table as routing', () => {
    const asa = asaParser.parse(exportFromText('asa.cfg', 'ASA Version 9.9\nhostname fw\ninterface GigabitEthernet0/2\n description spare\n'), {})[0]!;
    expect(buildContext(asa, undefined, packs).placement.deviceRole).toBe('network-firewall');
    // The same rules as an Edge host's, on a device that says it is an appliance: still a network firewall.
    const host = iptablesParser.parse(exportFromText('fw.rules', save(HOST_CHAINS, EDGE_INPUT)), {})[0]!;
    expect(buildContext({ ...host, appliance: true }, undefined, packs).placement.deviceRole).toBe('network-firewall');
    const routed = { ...host, filters: new Map(), routes: [{ interface: 'eth1', destination: AddressSet.parse('10.0.0.0/8'), connected: false, origin: { file: 'fw.rules', line: 1, text: 'route' } }] };
    expect(buildContext(routed, undefined, packs).placement.deviceRole).toBe('network-firewall');
  });

  it('does not count a default policy or a forward rule that only rejects as forwarding', () => {
    const ctx = context(save({ INPUT: 'ACCEPT', FORWARD: 'ACCEPT', OUTPUT: 'ACCEPT' }, [...EDGE_INPUT, '-A FORWARD -j REJECT --reject-with icmp-host-prohibited']));
    expect(ctx.placement.deviceRole).toBe('edge-host');
  });

  it('follows INPUT into the user chains it jumps to', () => {
    const ctx = context(save({ ...HOST_CHAINS, EDGE: '-' }, ['-A INPUT -j EDGE', '-A EDGE -p tcp -m tcp --dport 5269 -j ACCEPT']));
    expect(ctx.placement.deviceRole).toBe('edge-host');
    expect(lines(ctx, 'deviceRole')).toEqual([7]);
  });

  it('reads forwarding rules that open the Edge ports as a network firewall, even when INPUT opens one of them (its web admin on 443)', () => {
    const ctx = context(
      save({ ...HOST_CHAINS, LYNC: '-' }, [
        '-A INPUT -s 10.99.0.0/24 -p tcp -m tcp --dport 443 -j ACCEPT',
        '-A FORWARD -j LYNC',
        '-A LYNC -d 203.0.113.10/32 -i eth0 -o eth1 -p tcp -m tcp --dport 5061 -j ACCEPT',
        '-A LYNC -d 203.0.113.10/32 -i eth0 -o eth1 -p tcp -m tcp --dport 5269 -j ACCEPT',
      ]),
    );
    expect(ctx.placement.deviceRole).toBe('network-firewall');
    expect(lines(ctx, 'deviceRole')).toEqual([8, 9]);
    expect(inferred(ctx, 'deviceRole').reason).toContain('1 rule(s) to the device itself and 2 forwarding rule(s)');
  });

  it('does not count the firewall\'s own management services (FortiGate https on 443 on every interface) as rules to the Edge', () => {
    const intf = (name: string, ip: string) => [`    edit "${name}"`, `        set ip ${ip} 255.255.255.0`, '        set allowaccess https', '    next'];
    const device = parseDevice(
      [
        'config system interface',
        ...intf('wan1', '203.0.113.2'),
        ...intf('dmz', '172.16.10.1'),
        ...intf('internal1', '10.10.1.1'),
        'end',
        table('firewall service custom', ['"SIP-TLS"', ['tcp-portrange 5061']]),
        table('firewall policy', ['1', ['srcintf "wan1"', 'dstintf "dmz"', 'action accept', 'srcaddr "all"', 'dstaddr "all"', 'schedule "always"', 'service "SIP-TLS"']]),
      ].join('\n'),
    );
    const ctx = buildContext(device, undefined, packs);
    expect(ctx.placement.deviceRole).toBe('network-firewall');
    // Neither a role nor an interface's zone is read from the https service the firewall offers on every interface.
    const fromAllowaccess = ctx.inferences.filter((i) => i.evidence.some((o) => o.text.includes('allowaccess')));
    expect(fromAllowaccess).toEqual([]);
    expect(ctx.roles.has('access-edge')).toBe(false);
  });

  it('takes forwarding rules that open no Edge port for a network firewall when nothing opens one to the device itself', () => {
    const ctx = context(save(HOST_CHAINS, ['-A INPUT -s 10.99.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT', '-A FORWARD -o eth0 -p tcp -m tcp --dport 80 -j ACCEPT']));
    expect(ctx.placement.deviceRole).toBe('network-firewall');
    expect(lines(ctx, 'deviceRole')).toEqual([6]);
  });

  it('counts rules to an Edge address the profile gives, whatever their port, when the profile leaves deviceRole open', () => {
    const text = save(HOST_CHAINS, ['-A FORWARD -d 10.0.0.0/8 -j ACCEPT', '-A INPUT -d 198.51.100.7/32 -p tcp -m tcp --dport 8443 -j ACCEPT', '-A INPUT -d 198.51.100.7/32 -p tcp -m tcp --dport 8444 -j ACCEPT']);
    expect(context(text).placement.deviceRole).toBe('network-firewall');
    expect(context(text, { roles: { 'access-edge': ['198.51.100.7'] } }).placement.deviceRole).toBe('edge-host');
  });
});

describe('role and feature inference respect direction', () => {
  // A server baseline: outbound TCP 443 to cloud ranges (telemetry), nothing inbound on the Edge's ports.
  const BASELINE = save({ INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }, ['-A INPUT -s 10.99.0.0/24 -p tcp -m tcp --dport 3389 -j ACCEPT', '-A OUTPUT -d 40.74.0.0/15 -p tcp -m tcp --dport 443 -j ACCEPT']);

  it('never takes the destination of an outbound rule for the Access Edge', () => {
    const ctx = context(BASELINE);
    expect(ctx.roles.has('access-edge')).toBe(false);
  });

  it('does not infer remote users from an outbound 443 rule, and says which documented flow it looked for', () => {
    const ctx = context(BASELINE);
    expect(ctx.features.remoteUsers).toBe(false);
    expect(inferred(ctx, 'features.remoteUsers').reason).toContain('TCP 443 internet → access-edge');
  });

  it('infers a feature from its documented flow on the side of the device it uses', () => {
    const ctx = context(save(HOST_CHAINS, ['-A OUTPUT -s 203.0.113.10/32 -p tcp -m tcp --dport 5269 -j ACCEPT']));
    expect(ctx.features.xmppFederation).toBe(true);
    expect(lines(ctx, 'features.xmppFederation')).toEqual([5]);
    // An inbound rule on the Edge host for the outbound port says nothing; the Access Edge is read from inbound rules only.
    expect(context(save(HOST_CHAINS, ['-A INPUT -d 203.0.113.10/32 -p tcp -m tcp --dport 5061 -j ACCEPT'])).roles.get('access-edge')?.toStrings()).toEqual(['203.0.113.10']);
  });
});

describe('profile roles', () => {
  it('refuses a role no selected pack declares, naming the profile and the role it was probably meant to be', () => {
    const text = save(HOST_CHAINS, EDGE_INPUT);
    expect(() => context(text, { roles: { 'acess-edge': ['203.0.113.10'] } })).toThrow(ProfileError);
    expect(() => context(text, { roles: { 'acess-edge': ['203.0.113.10'] } })).toThrow(/^site\/edge-audit\.json: \/roles\/acess-edge: .*\(did you mean access-edge\?\)/);
  });

  it('offers no guess when no role is near', () => {
    expect(() => context(save(HOST_CHAINS, EDGE_INPUT), { roles: { router: ['10.0.0.1'] } })).toThrow(/no selected policy pack has a role "router"; the packs' roles are/);
  });
});
