import { describe, expect, it } from 'vitest';
import { Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import { readConfig, tableOf } from './model.js';
import { ServiceResolver } from './services.js';

const SERVICES = `
config firewall service custom
    edit "web"
        set tcp-portrange 443 8000-8080
    next
    edit "sip-tls-hi"
        set tcp-portrange 5061:1024-65535
    next
    edit "everything"
        set tcp-portrange 0-65535:0-65535
    next
    edit "mixed"
        set tcp-portrange 5061
        set udp-portrange 3478
        set sctp-portrange 9899
    next
    edit "echo"
        set protocol ICMP
        set icmptype 8
        set icmpcode 0
    next
    edit "any-icmp6"
        set protocol ICMP6
        unset icmptype
    next
    edit "gre"
        set protocol IP
        set protocol-number 47
    next
    edit "ip-any"
        set protocol IP
    next
    edit "HTTPS"
        set tcp-portrange 4443
    next
    edit "proxy"
        set protocol CONNECT
    next
    edit "bad-range"
        set tcp-portrange 90-80
    next
end
config firewall service group
    edit "inner"
        set member "web" "echo"
    next
    edit "outer"
        set member "inner" "gre"
    next
end`;

function resolver() {
  const blocks = readConfig(SERVICES).scopes[0]!.blocks;
  const reports: [number, string, string][] = [];
  const r = new ServiceResolver({ custom: tableOf(blocks, 'firewall service custom'), groups: tableOf(blocks, 'firewall service group') }, (line, level, message) => reports.push([line, level, message]));
  return { r, reports };
}

/** Each space as `protocol dport:sport`. */
const show = (spaces: readonly HeaderSpace[]) => spaces.map((h) => `${Protocols.format(h.proto)} ${Ports.format(h.dport)}:${Ports.format(h.sport)}`);
const of = (name: string) => resolver().r.resolve(name, 1);

describe('services', () => {
  it('reads port ranges in every form: port, range, destination:source, several items', () => {
    expect(show(of('web').possible)).toEqual(['tcp 443, 8000-8080:any']);
    expect(show(of('sip-tls-hi').possible)).toEqual(['tcp 5061:1024-65535']);
    expect(show(of('everything').possible)).toEqual(['tcp any:any']);
    expect(show(of('mixed').possible)).toEqual(['tcp 5061:any', 'udp 3478:any', 'sctp 9899:any']);
  });

  it('carries the ICMP type as the destination port and the code as the source port; IP protocol numbers', () => {
    expect(show(of('echo').possible)).toEqual(['icmp 8:0']);
    expect(show(of('any-icmp6').possible)).toEqual(['ipv6-icmp any:any']);
    expect(show(of('gre').possible)).toEqual(['gre any:any']);
    expect(show(of('ip-any').possible)).toEqual(['any any:any']);
  });

  it('resolves nested groups into disjoint spaces, merging ports of one protocol', () => {
    expect(show(resolver().r.resolveAll(['outer', 'sip-tls-hi'], 1, false).possible)).toEqual(['tcp 443, 8000-8080:any', 'icmp 8:0', 'gre any:any', 'tcp 5061:1024-65535']);
  });

  it('negates a service within every protocol and port', () => {
    const negated = resolver().r.resolveAll(['web'], 1, true).possible;
    const covers = (proto: number, port: number) => negated.some((h) => h.proto.has(BigInt(proto)) && h.dport.has(BigInt(port)));
    expect([covers(6, 443), covers(6, 22), covers(17, 443), covers(47, 0)]).toEqual([false, true, true, true]);
  });

  it('uses the export\'s definition of a predefined name, and FortiOS\'s own when the export omits it (saying so)', () => {
    const { r, reports } = resolver();
    expect(show(r.resolve('HTTPS', 7).possible)).toEqual(['tcp 4443:any']);
    expect(show(r.resolve('SSH', 7).possible)).toEqual(['tcp 22:any']);
    expect(show(r.resolve('ALL_ICMP', 7).possible)).toEqual(['icmp any:any']);
    // The factory group names the VDOM's own HTTPS object, here redefined.
    expect(show(r.resolve('Web Access', 7).possible)).toEqual(['tcp 53, 80, 4443:any', 'udp 53:any']);
    expect(reports.filter(([, level]) => level === 'info').map(([line, , m]) => [line, m])).toEqual([
      [0, 'service "SSH" is not in the export; using FortiOS\'s predefined definition'],
      [0, 'service "ALL_ICMP" is not in the export; using FortiOS\'s predefined definition'],
      [0, 'service "Web Access" is not in the export; using FortiOS\'s predefined definition'],
      [0, 'service "DNS" is not in the export; using FortiOS\'s predefined definition'],
      [0, 'service "HTTP" is not in the export; using FortiOS\'s predefined definition'],
    ]);
  });

  it('is uncertain about proxy services and names it does not know', () => {
    const { r, reports } = resolver();
    expect(r.resolve('proxy', 3)).toMatchObject({ certain: [], reasons: ['service "proxy" is an explicit-proxy service (protocol CONNECT)'] });
    expect(r.resolve('LYNC-MEDIA', 3).reasons).toEqual(['service "LYNC-MEDIA" is not defined in the export']);
    expect(reports).toEqual([[3, 'warning', 'service "LYNC-MEDIA" is not defined in the export and is not a FortiOS predefined service: what names it is uncertain']]);
  });

  it('refuses a malformed port range, naming the service line', () => {
    expect(() => of('bad-range')).toThrow(expect.objectContaining({ line: 39, message: 'service "bad-range": tcp-portrange 90-80 has its low port above its high port' }));
  });
});
