/** A FortiGate configuration as devices: VDOMs, interfaces and their management access, routes, address translation. */
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols } from '../../src/model/header-space.js';
import type { Device, NatRule } from '../../src/model/rule-graph.js';
import { evaluatePath } from '../../src/engine/evaluate.js';
import { filtersOn } from '../../src/engine/topology.js';
import { parseDevice, parseDevices, table } from '../../test/helpers/fortigate.js';

const INTERFACES = `
config system global
    set admin-sport 8443
    set hostname "FGT-EDGE01"
end
config system interface
    edit "wan1"
        set vdom "root"
        set ip 203.0.113.2 255.255.255.0
        set allowaccess ping https ssh
        set role wan
    next
    edit "dmz"
        set vdom "root"
        set ip 172.16.10.1 255.255.255.0
        set secondary-IP enable
        config secondaryip
            edit 1
                set ip 172.16.11.1 255.255.255.0
                set allowaccess ping
            next
        end
    next
    edit "internal2"
        set vdom "root"
        set ip 10.20.0.1 255.255.255.0
        config ipv6
            set ip6-address 2001:db8:20::1/64
            set ip6-allowaccess https
        end
    next
    edit "internal3"
        set vdom "root"
        set mode dhcp
    next
    edit "wan2"
        set vdom "root"
        set ip 198.51.100.2 255.255.255.0
    next
end
config system zone
    edit "inside"
        set interface "internal2" "internal3"
    next
end
config system sdwan
    set status enable
    config zone
        edit "virtual-wan-link"
        next
    end
    config members
        edit 1
            set interface "wan1"
        next
        edit 2
            set interface "wan2"
        next
    end
end`;

describe('interfaces', () => {
  it('lists the VDOM\'s interfaces with their own addresses, zone and management services', () => {
    const d = parseDevice(INTERFACES);
    const byName = new Map(d.interfaces.map((i) => [i.name, i]));
    expect(byName.get('dmz')!.addresses!.toStrings()).toEqual(['172.16.10.1', '172.16.11.1']);
    expect(byName.get('internal2')!.addresses!.toStrings()).toEqual(['10.20.0.1', '2001:db8:20::1']);
    expect(byName.get('internal3')!.addresses).toBeUndefined();
    expect([byName.get('internal2')!.zone, byName.get('wan1')!.zone, byName.get('dmz')!.zone]).toEqual(['inside', 'virtual-wan-link', undefined]);
    expect(byName.get('wan1')!.origin).toEqual({ file: 'fw.conf', line: 7, text: 'edit "wan1"' });
  });

  it('reads allowaccess as permits of each service to the interface\'s own addresses, after the local-in policies, then an implicit deny', () => {
    const d = parseDevice(INTERFACES);
    const f = d.filters.get('allowaccess')!;
    expect(f).toMatchObject({ defaultAction: 'deny', attachment: { hooks: ['input'], stage: 20 }, origin: { line: 6, text: 'config system interface' } });
    expect(f.defaultOrigin).toBeUndefined();
    const flow = (r: (typeof f.rules)[number]) => r.match.flows.map((h) => `${Protocols.format(h.proto)} ${Ports.format(h.dport)} ${h.src.toString()} → ${h.dst.toString()}`);
    expect(f.rules.map((r) => [r.match.inInterface?.names, r.deviceService, flow(r), r.origin.line, r.origin.text])).toEqual([
      [['wan1'], 'ping', ['icmp 8 any IPv4 → 203.0.113.2'], 10, 'set allowaccess ping https ssh'],
      // https on `set admin-sport 8443`.
      [['wan1'], 'https', ['tcp 8443 any IPv4 → 203.0.113.2'], 10, 'set allowaccess ping https ssh'],
      [['wan1'], 'ssh', ['tcp 22 any IPv4 → 203.0.113.2'], 10, 'set allowaccess ping https ssh'],
      [['dmz'], 'ping', ['icmp 8 any IPv4 → 172.16.10.1, 172.16.11.1'], 20, 'set allowaccess ping'],
      [['internal2'], 'https', ['tcp 8443 any IPv6 → 2001:db8:20::1'], 29, 'set ip6-allowaccess https'],
    ]);
    expect(f.rules.every((r) => r.uncertain.length === 0 && r.name === `${r.deviceService} on ${r.match.inInterface!.names[0]}`)).toBe(true);
  });

  it('a service whose ports edge-audit does not know is an uncertain permit of every flow to the interface', () => {
    const d = parseDevice(INTERFACES.replace('set allowaccess ping https ssh', 'set allowaccess ftm'));
    const ftm = d.filters.get('allowaccess')!.rules[0]!;
    expect([ftm.deviceService, ftm.match.flows[0]!.proto.isFull(), ftm.match.flows[0]!.dst.toString()]).toEqual(['ftm', true, '203.0.113.2']);
    expect(ftm.uncertain).toEqual(['the ports that allowaccess "ftm" opens are not known to edge-audit']);
  });

  it('restricts management sources by the local-in policies for the service\'s own port, and by trusted hosts', () => {
    const d = parseDevice(`${INTERFACES}
config system admin
    edit "admin"
        set trusthost1 10.99.0.0 255.255.255.0
        set trusthost2 192.0.2.10 255.255.255.255
        set password ENC SH2nT0cE3yb1ukLBDqG3Hk
    next
end
config firewall address
    edit "noc"
        set subnet 192.0.2.0 255.255.255.0
    next
end
config firewall service custom
    edit "admin-https"
        set tcp-portrange 8443
    next
end
${table('firewall local-in-policy', ['1', ['intf "wan1"', 'srcaddr "noc"', 'dstaddr "all"', 'action accept', 'service "admin-https" "PING"', 'schedule "always"']], ['2', ['intf "wan1"', 'srcaddr "all"', 'dstaddr "all"', 'service "ALL"', 'schedule "always"']])}`);
    const rules = d.filters.get('allowaccess')!.rules;
    // Anyone may connect; administrator logins are accepted from the trusted hosts only, which is the rule's scope.
    expect(rules.filter((r) => r.match.inInterface?.names[0] === 'wan1').map((r) => [r.deviceService, r.match.flows[0]!.src.toString(), r.scope])).toEqual([
      ['ping', 'any IPv4', undefined],
      ['https', 'any IPv4', 'administrator logins only from the trusted hosts 10.99.0.0/24, 192.0.2.10'],
      ['ssh', 'any IPv4', 'administrator logins only from the trusted hosts 10.99.0.0/24, 192.0.2.10'],
    ]);
    // Who reaches what is the engine's: local-in first (policy 1 lets the NOC through to 8443 and ping, policy 2 drops
    // the rest), then the services.
    expect(toWan1(d, '192.0.2.10', 6, 8443)).toEqual([['permit', 'https on wan1']]);
    expect(toWan1(d, '192.0.2.11', 6, 8443)).toEqual([['permit', 'https on wan1']]);
    expect(toWan1(d, '192.0.2.11', 1, 8)).toEqual([['permit', 'ping on wan1']]);
    expect(toWan1(d, '192.0.2.10', 6, 22)).toEqual([['deny', 'local-in-policy/2']]);
    expect(toWan1(d, '10.99.0.5', 6, 8443)).toEqual([['deny', 'local-in-policy/2']]);
  });

  it('a local-in deny of a group with an FQDN blocks its exact members for sure; whom the name resolves to stays exposed', () => {
    const d = parseDevice(`${INTERFACES}
config firewall address
    edit "blocked"
        set subnet 198.51.100.0 255.255.255.0
    next
    edit "evil"
        set type fqdn
        set fqdn "evil.example"
    next
end
config firewall addrgrp
    edit "deny-list"
        set member "blocked" "evil"
    next
end
${table('firewall local-in-policy', ['1', ['intf "wan1"', 'srcaddr "deny-list"', 'dstaddr "all"', 'service "ALL"', 'schedule "always"']])}`);
    expect(toWan1(d, '198.51.100.7', 6, 22)).toEqual([['deny', 'local-in-policy/1']]);
    const other = evaluateToWan1(d, '192.0.2.1', 6, 22);
    expect(other.map((o) => [o.decision, o.decidedBy?.rule?.name, o.uncertainty.map((u) => u.rule?.id)])).toEqual([['permit', 'ssh on wan1', ['local-in-policy/1']]]);
  });
});

/** An IPv4 flow from `src` to wan1's address arriving on wan1, through the device's input filters. */
function evaluateToWan1(d: Device, src: string, proto: number, dport: number) {
  const flows = [headerSpace({ family: 'ipv4', src: AddressSet.parse(src), dst: AddressSet.parse('203.0.113.2'), proto: Protocols.only(proto), dport: Ports.range(dport) })];
  return evaluatePath(d, filtersOn(d, 'input', 'ipv4', 'wan1', undefined), flows, { in: 'wan1' });
}

/** The certain verdicts on that flow, each with the rule (by name, else id) or filter default that decides. */
function toWan1(d: Device, src: string, proto: number, dport: number): [string, string][] {
  return evaluateToWan1(d, src, proto, dport).map((o) => {
    expect(o.uncertainty).toEqual([]);
    return [o.decision, o.decidedBy?.rule ? (o.decidedBy.rule.name ?? o.decidedBy.rule.id) : o.decidedBy!.filter.name];
  });
}

describe('routes', () => {
  it('has a connected route per interface address, static routes, and the default route over SD-WAN members', () => {
    const d = parseDevice(`${INTERFACES}
${table('router static', ['1', ['sdwan-zone "virtual-wan-link"']], ['2', ['dst 10.30.0.0 255.255.0.0', 'gateway 10.20.0.254', 'device "internal2"']], ['3', ['dst 10.40.0.0 255.255.0.0', 'blackhole enable']], ['4', ['dst 10.50.0.0 255.255.0.0', 'device "dmz"', 'status disable']])}
config router static6
    edit 1
        set device "wan1"
    next
end`);
    expect(d.routes!.map((r) => [r.interface, r.destination.toString(), r.connected])).toEqual([
      ['wan1', '203.0.113.0/24', true],
      ['dmz', '172.16.10.0/24', true],
      ['dmz', '172.16.11.0/24', true],
      ['internal2', '10.20.0.0/24', true],
      ['internal2', '2001:db8:20::/64', true],
      ['wan2', '198.51.100.0/24', true],
      ['wan1', 'any IPv4', false],
      ['wan2', 'any IPv4', false],
      ['internal2', '10.30.0.0/16', false],
      ['wan1', 'any IPv6', false],
    ]);
    expect(d.routes![0]!.origin.text).toBe('set ip 203.0.113.2 255.255.255.0');
  });
});

const VIPS = `
config system interface
    edit "wan1"
        set ip 203.0.113.2 255.255.255.0
    next
    edit "dmz"
        set ip 172.16.10.1 255.255.255.0
    next
end
config firewall address
    edit "pool"
        set type iprange
        set start-ip 172.16.10.10
        set end-ip 172.16.10.11
    next
end
config firewall ippool
    edit "out-pool"
        set startip 203.0.113.50
        set endip 203.0.113.51
    next
end
config firewall vip
    edit "pair"
        set extip 203.0.113.10-203.0.113.11
        set mappedip "172.16.10.10-172.16.10.11"
        set extintf "wan1"
    next
    edit "web-8443"
        set extip 203.0.113.20
        set mappedip "172.16.10.20"
        set extintf "wan1"
        set portforward enable
        set srcintf-filter "wan1"
        set extport 8443
        set mappedport 443
    next
    edit "unused"
        set extip 203.0.113.30
        set mappedip "172.16.10.30"
    next
end`;

const translates = (n: NatRule, flow: { src: string; dst: string; dport: number }) =>
  intersectFlows([headerSpace({ src: AddressSet.parse(flow.src), dst: AddressSet.parse(flow.dst), proto: Protocols.only(6), dport: Ports.range(flow.dport) })], n.match.flows).length > 0;

describe('address translation', () => {
  const inbound = (dst: string) => ['srcintf "wan1"', 'dstintf "dmz"', 'action accept', 'srcaddr "all"', `dstaddr "${dst}"`, 'schedule "always"', 'service "ALL"'];
  const outbound = (extra: string[]) => ['srcintf "dmz"', 'dstintf "wan1"', 'action accept', 'srcaddr "pool"', 'dstaddr "all"', 'schedule "always"', 'service "ALL"', 'nat enable', ...extra];

  it('publishes each VIP a policy names, one rule per address of a one-to-one range, seen by policies untranslated', () => {
    const d = parseDevice(`${VIPS}\n${table('firewall policy', ['1', inbound('pair')], ['2', inbound('web-8443')])}`);
    const dnat = d.nat.filter((n) => n.kind === 'destination');
    expect(dnat.map((n) => [n.id, n.toAddresses!.toString(), n.toPorts ? Ports.format(n.toPorts) : '', n.seenFromStage, n.match.inInterface?.names])).toEqual([
      ['vip/pair/203.0.113.10', '172.16.10.10', '', Infinity, undefined],
      ['vip/pair/203.0.113.11', '172.16.10.11', '', Infinity, undefined],
      ['vip/web-8443', '172.16.10.20', '443', Infinity, ['wan1']],
    ]);
    expect(translates(dnat[2]!, { src: '198.51.100.7', dst: '203.0.113.20', dport: 8443 })).toBe(true);
    expect(translates(dnat[2]!, { src: '198.51.100.7', dst: '203.0.113.20', dport: 443 })).toBe(false);
    expect(dnat[0]!.origin.text.split('\n')[0]).toBe('edit "pair"');
  });

  it('sends the mapped servers out as their VIP address, before the outgoing interface\'s address', () => {
    const d = parseDevice(`${VIPS}\n${table('firewall policy', ['1', inbound('pair')], ['4', outbound([])])}`);
    const snat = d.nat.filter((n) => n.kind === 'source');
    expect(snat.map((n) => [n.id, n.toAddresses!.toString(), n.match.outInterface?.names])).toEqual([
      ['policy/4/snat/vip/pair', '203.0.113.10/31', ['wan1']],
      ['policy/4/nat', '203.0.113.2', ['wan1']],
    ]);
    expect(snat[0]!.origin.text.split('\n')[0]).toBe('edit "pair"');
  });

  it('uses the IP pool instead of the VIP address unless the VIP says nat-source-vip', () => {
    const d = parseDevice(`${VIPS}\n${table('firewall policy', ['1', inbound('pair')], ['4', outbound(['ippool enable', 'poolname "out-pool"'])])}`);
    expect(d.nat.filter((n) => n.kind === 'source').map((n) => [n.id, n.toAddresses!.toString()])).toEqual([['policy/4/nat', '203.0.113.50/31']]);
  });

  it('shares one rule between policies that translate alike, quoting each policy\'s nat line', () => {
    const out = (id: string, src: string) => [id, ['srcintf "dmz"', 'dstintf "wan1"', 'action accept', `srcaddr "${src}"`, 'dstaddr "all"', 'schedule "always"', 'service "HTTPS"', 'nat enable']] as [string, string[]];
    const d = parseDevice(`${VIPS}\n${table('firewall policy', out('5', 'pool'), out('6', 'all'))}`);
    const [rule, ...rest] = d.nat;
    expect(rest).toEqual([]);
    expect(rule!.origin.text).toBe('edit 5: set nat enable\nedit 6: set nat enable');
    expect(translates(rule!, { src: '192.0.2.9', dst: '198.51.100.7', dport: 443 })).toBe(true);
  });

  it('in central NAT, translates every enabled VIP and follows central-snat-map in order', () => {
    const d = parseDevice(`
config system settings
    set central-nat enable
end
${VIPS}
${table('firewall central-snat-map', ['1', ['srcintf "dmz"', 'dstintf "wan1"', 'orig-addr "pool"', 'dst-addr "all"', 'nat-ippool "out-pool"']], ['2', ['srcintf "dmz"', 'dstintf "wan1"', 'orig-addr "all"', 'dst-addr "all"', 'protocol 17', 'orig-port 5060']])}`);
    expect(d.nat.map((n) => [n.id, n.kind, n.seenFromStage, n.toAddresses?.toString()])).toEqual([
      ['vip/pair/203.0.113.10', 'destination', 0, '172.16.10.10'],
      ['vip/pair/203.0.113.11', 'destination', 0, '172.16.10.11'],
      ['vip/web-8443', 'destination', 0, '172.16.10.20'],
      ['vip/unused', 'destination', 0, '172.16.10.30'],
      ['central-snat-map/1', 'source', Infinity, '203.0.113.50/31'],
      ['central-snat-map/2', 'source', Infinity, '203.0.113.2'],
    ]);
    const sip = d.nat[5]!.match.flows[0]!;
    expect([Protocols.format(sip.proto), Ports.format(sip.sport)]).toEqual(['udp', '5060']);
  });
});

describe('VDOMs', () => {
  const MULTI = `
config vdom
edit root
next
edit dmz-vdom
next
end
config global
config system global
    set hostname "FGT-HOST"
end
config system interface
    edit "wan1"
        set vdom "root"
        set ip 203.0.113.2 255.255.255.0
    next
    edit "port5"
        set vdom "dmz-vdom"
        set ip 192.168.5.1 255.255.255.0
    next
end
end
config vdom
edit root
config firewall policy
    edit 1
        set srcintf "wan1"
        set dstintf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
    next
end
next
edit dmz-vdom
config system settings
    set central-nat enable
end
next
end`;

  it('makes one device per VDOM, named after the host, with the VDOM\'s own interfaces and blocks', () => {
    const devices = parseDevices(MULTI, '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=1:user=admin');
    expect(devices.map((d) => [d.name, d.partition, d.interfaces.map((i) => i.name), d.filters.get('forward')!.rules.length])).toEqual([
      ['FGT-HOST (vdom root)', { kind: 'vdom', name: 'root' }, ['wan1'], 1],
      ['FGT-HOST (vdom dmz-vdom)', { kind: 'vdom', name: 'dmz-vdom' }, ['port5'], 0],
    ]);
  });

  it('names a single-VDOM device after its host name, else its file, without partition', () => {
    expect(parseDevice('config system global\n    set hostname "FGT-A"\nend').name).toBe('FGT-A');
    const d = parseDevice('config firewall policy\nend');
    expect([d.name, d.partition]).toEqual(['fw', undefined]);
  });
});

describe('what is not read', () => {
  it('is named once per block (once per kind for the many replacement messages), as a warning when it decides traffic', () => {
    const d = parseDevice(`
config system replacemsg mail "email-block"
end
config system replacemsg http "url-block"
    set buffer "<html>
</html>"
end
config firewall security-policy
    edit 1
        set srcintf "port1"
    next
end
config log syslogd setting
    set status enable
end`);
    expect(d.diagnostics.map((x) => [x.line, x.level, x.message])).toEqual([
      [2, 'info', '2 "config system replacemsg …" blocks are not read: it does not decide which traffic a policy permits'],
      [8, 'warning', '"config firewall security-policy" is not read: NGFW policy-based mode: security policies also decide which traffic passes'],
      [13, 'info', '"config log syslogd setting" is not read: it does not decide which traffic a policy permits'],
    ]);
  });
});
