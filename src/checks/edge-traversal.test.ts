import { describe, expect, it } from 'vitest';
import { exportFromText } from '../../parsers/export-file.js';
import { auditWindows, EDGE_HOST, loadedProfile, regExport } from '../../test/helpers/windows.js';

const BASE = [
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|LPort=5061|LPort=5269|LA4=203.0.113.10|Name=Access Edge|',
  'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=5061|RPort=5269|LA4=203.0.113.10|Name=Federation out|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=23456|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=XMPP gateway|',
  // On every Windows host: Core Networking ICMPv6 with edge traversal. It cannot reach IPv4 Edge addresses.
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=58|ICMP6=1:*|App=System|Name=@FirewallAPI.dll,-25110|Edge=TRUE|',
];
const on = { EnableFirewall: 1, DefaultInboundAction: 1, DefaultOutboundAction: 1 };
const audit = (rules: readonly string[], profile = EDGE_HOST) =>
  auditWindows(exportFromText('edge.reg', regExport({ PublicProfile: on }, [...BASE, ...rules])), loadedProfile(profile), 'Public').findings.filter((f) => f.check === 'edge-traversal');

describe('edge-traversal', () => {
  it('reports an inbound allow with edge traversal that reaches the Access Edge, with its line and scope', () => {
    const f = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5061|LA4=203.0.113.10|App=C:\\rtc\\RTCSrv.exe|Name=SIP via Teredo|Edge=TRUE|']);
    expect(f.map((x) => [x.severity, x.flow.to, x.flow.dport, x.evidence.map((e) => e.effect)])).toEqual([['medium', 'access-edge', '5061', ['permits']]]);
    expect(f[0]!.message).toContain('"SIP via Teredo"');
    expect(f[0]!.message).toContain('limited to program C:\\rtc\\RTCSrv.exe');
    expect(f[0]!.evidence[0]!.text).toContain('Edge=TRUE');
  });

  it('reports edge traversal deferred to the application on a rule with no address, once per Edge role it reaches', () => {
    const f = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|App=%SystemRoot%\\system32\\RdpSa.exe|Name=Shadow|Edge=TRUE|Defer=App|']);
    expect(f.map((x) => x.flow.to).sort()).toEqual(['access-edge', 'edge-internal']);
  });

  it('does not blame a traversal rule that a block overrides, a disabled one, an outbound one, or ICMPv6 toward IPv4 addresses', () => {
    expect(audit([])).toEqual([]);
    expect(
      audit([
        'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8080|Name=t|Edge=TRUE|',
        'v2.26|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=8080|Name=b|',
        'v2.26|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=8081|Name=off|Edge=TRUE|',
        'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=8082|Name=out|Edge=TRUE|',
      ]),
    ).toEqual([]);
  });

  it('weighs ICMPv6 edge traversal against IPv6 Edge addresses, as info: ICMP relayed by Teredo opens no service', () => {
    const v6 = { ...EDGE_HOST, roles: { ...EDGE_HOST.roles, 'access-edge': ['203.0.113.10', '2001:db8:10::10'] } };
    const f = audit([], v6);
    expect(f.map((x) => [x.flow.protocol, x.flow.dport, x.severity])).toEqual([['ipv6-icmp [edge traversal]', '1', 'info']]);
    expect(f[0]!.message).toContain('Only ICMP messages: no service is opened.');
    // A port on the same address family is a service: medium.
    const tcp = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8443|LA6=2001:db8:10::10|Name=t6|Edge=TRUE|'], v6);
    expect(tcp.filter((x) => x.flow.dport === '8443').map((x) => x.severity)).toEqual(['medium']);
  });

  it('is low for a port keyword, which possibly matches its ports, and keeps the certain part of the same rule medium', () => {
    // The Teredo client's port is dynamic: the rule possibly lets unsolicited UDP in on any port.
    const teredo = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=Teredo|App=%SystemRoot%\\system32\\svchost.exe|Svc=iphlpsvc|Name=CoreNet-Teredo-In|Edge=TRUE|']);
    expect(teredo.map((x) => [x.severity, x.flow.to, x.flow.dport, x.evidence[0]!.effect]).sort()).toEqual([
      ['low', 'access-edge', 'any', 'uncertain'],
      ['low', 'edge-internal', 'any', 'uncertain'],
    ]);
    const mixed = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5061|LPort=RPC-EPMap|LA4=203.0.113.10|Name=m|Edge=TRUE|']);
    expect(mixed.map((x) => [x.severity, x.evidence[0]!.effect])).toEqual([['medium', 'permits']]);
  });

  it('is low when the rule is uncertain', () => {
    const f = audit(['v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=3544|RA4=Intranet|Name=u|Edge=TRUE|']);
    expect(f.map((x) => [x.severity, x.evidence[0]!.effect])).toEqual([['low', 'uncertain'], ['low', 'uncertain']]);
  });
});
