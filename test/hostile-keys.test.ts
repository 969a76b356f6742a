/**
 * Words that name Object.prototype's members (`constructor`, `__proto__`, `toString`…) in any keyword slot of any
 * vendor's export must mean what any other unknown word means there: a plain-object lookup answers them with a
 * function, which was read as a Windows allow, or failed later as an internal error. Each word of a small export
 * of each format is replaced in turn by such a word and, for comparison, by a made-up word like it; the parser must
 * answer both alike (the same ParseError, or rule sets alike in what they permit, deny and leave uncertain), or refuse
 * the file at that line.
 */
import { describe, expect, it } from 'vitest';
import { exportFromText } from '../parsers/export-file.js';
import { detectParser } from '../parsers/index.js';
import { ParseError } from '../parsers/parse-error.js';
import { runTrace } from '../src/cli/trace-command.js';
import { UsageError } from '../src/cli/usage-error.js';
import { protocolNumber } from '../src/model/header-space.js';
import type { Device } from '../src/model/rule-graph.js';
import { REPO } from './helpers/fixtures.js';
import { HEADER_7_2_5, table } from './helpers/fortigate.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** A function anywhere in what a parser returns is a prototype member that a lookup let through. */
function functionIn(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  return children.some((v) => functionIn(v, seen));
}

/** What the rule sets decide, independent of names and of the order names sort in. */
function verdicts(devices: Device[]): string {
  return devices
    .map((d) => {
      const filters = [...d.filters.values()];
      const rules = filters.flatMap((f) => f.rules.map((r) => `${f.defaultAction}:${r.action.type}:${r.enabled}:${r.uncertain.length > 0}`));
      const diagnostics = d.diagnostics.map((x) => x.level);
      return `${filters.length} filters ${d.nat.length} nat [${rules.sort().join(' ')}] [${diagnostics.sort().join(' ')}]`;
    })
    .join('; ');
}

/** What the parser makes of `text`: the ParseError (its line and whether it names the word), or what it decides. */
function outcome(file: string, text: string, word: string): string {
  const input = exportFromText(file, text);
  try {
    const parser = detectParser(input);
    if (!parser) return 'not recognized';
    const devices = parser.parse(input, {});
    if (functionIn(devices)) return 'a function among the rules';
    return verdicts(devices);
  } catch (e) {
    // Only the parsers' own error: a TypeError here is the bug this test is for.
    if (!(e instanceof ParseError)) throw e;
    return `error at line ${e.line}: ${e.message.split(word).join('WORD')}`;
  }
}

/**
 * Every word of every line of `text` replaced in turn by each inherited word and by a made-up word of its shape:
 * the outcomes must be the same, or the inherited word's a ParseError at its line. Returns how many slots were tried.
 */
function tryEverySlot(file: string, text: string): number {
  const lines = text.split('\n');
  let tried = 0;
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/[A-Za-z][\w-]*/g)) {
      const withWord = (word: string) => [...lines.slice(0, i), line.slice(0, m.index) + word + line.slice(m.index + m[0].length), ...lines.slice(i + 1)].join('\n');
      for (const word of INHERITED) {
        // Alike in length and in which characters are letters, so that only being Object.prototype's sets it apart.
        const control = word.replace(/[a-z]/g, 'q').replace(/[A-Z]/g, 'Q');
        const got = outcome(file, withWord(word), word);
        const expected = outcome(file, withWord(control), control);
        // Refusing the file at the word's line is the other right answer (XML parsers refuse such element names).
        if (got !== expected && !got.startsWith(`error at line ${i + 1}:`)) expect.fail(`${file}:${i + 1} "${line.trim()}", ${m[0]} → ${word}: ${got}; a made-up word gives ${expected}`);
      }
      tried++;
    }
  });
  return tried;
}

const IPTABLES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:custom - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061 -j ACCEPT
-A INPUT -i eth1 -p udp -m udp --dport 3478 -j custom
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A INPUT -p tcp -m state --state NEW -j REJECT --reject-with icmp-port-unreachable
-A custom -j RETURN
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.0.5:443
-A POSTROUTING -o eth0 -j MASQUERADE
COMMIT
`;

const ASA = `ASA Version 9.8(4)
hostname fw
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.248
interface GigabitEthernet1/2
 nameif dmz
 security-level 50
 ip address 10.10.0.1 255.255.255.0
object network EDGE
 host 10.10.0.10
object service SIP-TLS
 service tcp destination eq 5061
object-group service EDGE-IN tcp
 port-object eq https
object-group service EDGE-OUT
 service-object object SIP-TLS
 service-object udp destination eq 3478
object-group protocol TCPUDP
 protocol-object tcp
object-group network EDGES
 network-object object EDGE
access-list outside_in extended permit tcp any4 object-group EDGES object-group EDGE-IN
access-list outside_in extended permit object-group TCPUDP any host 10.10.0.10 eq sip
access-list outside_in extended permit icmp any any echo-reply
access-list outside_in extended deny ip any any log
access-group outside_in in interface outside
object network EDGE
 nat (dmz,outside) static 203.0.113.10
same-security-traffic permit inter-interface
ssh 10.0.0.0 255.0.0.0 dmz
http 10.0.0.0 255.0.0.0 dmz
ftp mode passive
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
`;

const FORTIGATE = [
  HEADER_7_2_5,
  table('system interface', ['"wan1"', ['vdom "root"', 'ip 203.0.113.2 255.255.255.0', 'allowaccess ping https ssh', 'type physical', 'role wan']], ['"dmz"', ['vdom "root"', 'ip 172.16.10.1 255.255.255.0', 'allowaccess ping', 'role dmz']]),
  table('firewall address', ['"edge"', ['subnet 172.16.10.10 255.255.255.255']], ['"range"', ['type iprange', 'start-ip 10.0.0.1', 'end-ip 10.0.0.9']]),
  table('firewall addrgrp', ['"edges"', ['member "edge" "range"']]),
  table('firewall service custom', ['"SIP-TLS"', ['protocol TCP/UDP/SCTP', 'tcp-portrange 5061']], ['"PING"', ['protocol ICMP', 'icmptype 8']], ['"GRE"', ['protocol IP', 'protocol-number 47']]),
  table('firewall service group', ['"edge-svc"', ['member "SIP-TLS" "HTTPS"']]),
  table('firewall vip', ['"edge-vip"', ['extip 203.0.113.10', 'mappedip "172.16.10.10"', 'extintf "wan1"', 'portforward enable', 'protocol tcp', 'extport 443', 'mappedport 443']]),
  table(
    'firewall policy',
    ['1', ['name "in"', 'srcintf "wan1"', 'dstintf "dmz"', 'action accept', 'srcaddr "all"', 'dstaddr "edge-vip" "edges"', 'schedule "always"', 'service "edge-svc" "PING"']],
    ['2', ['srcintf "dmz"', 'dstintf "wan1"', 'action deny', 'status disable', 'srcaddr "all"', 'dstaddr "all"', 'schedule "always"', 'service "ALL"', 'nat enable']],
  ),
].join('\n');

const RULES = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
const REG = `Windows Registry Editor Version 5.00

[${RULES}\\DomainProfile]
"EnableFirewall"=dword:00000001
"DefaultInboundAction"=dword:00000001

[${RULES}\\FirewallRules]
"Edge-In"="v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|Profile=Domain|LPort=5061|LA4=203.0.113.10|RA4=LocalSubnet|Edge=TRUE|Name=Edge|"
"Block-In"="v2.26|Action=Block|Active=FALSE|Dir=Out|Protocol=17|RPort2_10=IPTLSOut|Defer=App|Name=Block|"
`;

const NETSH = `
Rule Name:                            Edge
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private,Public
Grouping:
LocalIP:                              203.0.113.10/32
RemoteIP:                             Any
Protocol:                             TCP
LocalPort:                            443,5061
RemotePort:                           Any
Edge traversal:                       No
InterfaceTypes:                       Any
Security:                             NotRequired
Rule source:                          Local Setting
Action:                               Allow
Ok.
`;

const CSV = `"Kind","Name","DisplayName","Enabled","Profile","Direction","Action","Protocol","LocalPort","RemotePort","IcmpType","LocalAddress","RemoteAddress","EdgeTraversalPolicy","OverrideBlockRules","DefaultInboundAction","DefaultOutboundAction"
"Profile","Public","","True","Public","","","","","","","","","","","Block","Allow"
"Rule","edge","Edge","True","Any","Inbound","Allow","TCP","443,5061","Any","Any","203.0.113.10","Any","Block","False","",""
"Rule","ping","Ping","False","Domain,Public","Inbound","Block","ICMPv4","Any","Any","8","Any","LocalSubnet","DeferToApp","True","",""
`;

const GPO = `<?xml version="1.0" encoding="utf-16"?>
<GPO xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Settings">
  <Name>Edge Firewall</Name>
  <Computer>
    <Enabled>true</Enabled>
    <ExtensionData>
      <Extension xmlns:q2="http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall" xsi:type="q2:WindowsFirewallSettings">
        <q2:PublicProfile>
          <q2:DefaultInboundAction>
            <q2:Value>true</q2:Value>
          </q2:DefaultInboundAction>
          <q2:EnableFirewall>
            <q2:Value>true</q2:Value>
          </q2:EnableFirewall>
        </q2:PublicProfile>
        <q2:InboundFirewallRules>
          <q2:Version>2.30</q2:Version>
          <q2:Action>Allow</q2:Action>
          <q2:Name>Edge</q2:Name>
          <q2:Dir>In</q2:Dir>
          <q2:Profile>Public</q2:Profile>
          <q2:LA4>203.0.113.10</q2:LA4>
          <q2:LPort>5061</q2:LPort>
          <q2:Protocol>6</q2:Protocol>
          <q2:Active>true</q2:Active>
          <q2:Edge>true</q2:Edge>
        </q2:InboundFirewallRules>
      </Extension>
      <Name>Windows Firewall</Name>
    </ExtensionData>
  </Computer>
</GPO>
`;

describe('inherited object keys as values in an export', () => {
  // Each export must parse as given, or the slots would only be tried against an error.
  const exports: [string, string, number][] = [
    ['fw.rules', IPTABLES, 80],
    ['fw.cfg', ASA, 100],
    ['fw.conf', FORTIGATE, 100],
    ['fw.reg', REG, 40],
    ['fw.netsh.txt', NETSH, 30],
    ['fw.csv', CSV, 40],
    ['fw.gpo.xml', GPO, 40],
  ];
  for (const [file, text, slots] of exports) {
    it(`${file}: every word`, { timeout: 60_000 }, () => {
      expect(outcome(file, text, '\0')).toMatch(/^\d+ filters/);
      expect(tryEverySlot(file, text)).toBeGreaterThan(slots);
    });
  }

  it('a Windows rule with Action=constructor is no allow', () => {
    for (const word of INHERITED) {
      expect(outcome('fw.reg', REG.replace('Action=Allow', `Action=${word}`), word)).toMatch(/^error at line 8/);
      expect(outcome('fw.netsh.txt', NETSH.replace('Allow', word), word)).toMatch(/^error at line 17/);
    }
  });
});

describe('inherited object keys as protocol names', () => {
  it('name no protocol', () => {
    for (const word of INHERITED) expect(protocolNumber(word)).toBeUndefined();
  });

  it('trace --proto refuses them as a usage error', () => {
    const rules = `${REPO}/fixtures/iptables/edge-host/compliant.rules`;
    for (const word of INHERITED) {
      expect(() => runTrace(rules, { src: '198.51.100.7', dst: '203.0.113.10', proto: word, dport: '5061', in: 'eth0', out: 'eth1' })).toThrow(UsageError);
    }
  });
});
