/**
 * The cross-vendor conformance table (issue 10 §4): one row per intent, each written in the real syntax of every
 * vendor that can express it, and ONE expected verdict for all of them. vendors.ts wraps each snippet into a whole
 * export (an iptables-save file, a .reg FirewallRules export, an ASA 9.x running-config, a FortiOS backup) around
 * the same site: the Access Edge at 203.0.113.10 in a DMZ, its internal side 10.10.1.10, the Front End pool
 * 10.20.0.0/24. The network firewalls (iptables FORWARD, ASA, FortiGate) have one interface per zone; the Windows
 * Firewall is the Edge host's own.
 *
 * Expectations are what the issue says the verdict SHOULD be, not what the code says today: a cell that disagrees
 * is a bug to fix, never an expectation to edit.
 */
import type { RequirementStatus, Severity } from '../../src/audit/result.js';

export type Vendor = 'iptables' | 'windows' | 'asa' | 'fortigate';
export const VENDORS: readonly Vendor[] = ['iptables', 'windows', 'asa', 'fortigate'];

export interface IptablesIntent {
  /** `-A …` lines of the filter table (FORWARD, INPUT, user chains declared in `chains`). */
  readonly filter: readonly string[];
  readonly nat?: readonly string[];
  /** User chains of the filter table. */
  readonly chains?: readonly string[];
  /** `ipset create …` commands the rules need (iptables-restore refuses an unknown set). */
  readonly ipsets?: readonly string[];
}

export interface Intent {
  readonly id: string;
  readonly title: string;
  /** Requirement statuses that differ from BASE_STATUSES. */
  readonly statuses?: Readonly<Record<string, RequirementStatus>>;
  /** Every finding, as `check requirement@dport severity` (requirement empty for findings about a rule). */
  readonly findings: readonly string[];
  /** Syntax per vendor; a vendor is absent only when it cannot express the intent (see `absent`). */
  readonly iptables?: IptablesIntent;
  /** Windows Firewall rule strings (the value of a `FirewallRules` registry entry). */
  readonly windows?: readonly string[];
  /** ASA running-config lines: objects, access-lists (the access-groups are in the skeleton), nat. */
  readonly asa?: readonly string[];
  /** FortiOS configuration blocks (`config firewall address` … `config firewall policy`). */
  readonly fortigate?: readonly string[];
  /** Why a vendor is left out. */
  readonly absent?: Readonly<Partial<Record<Vendor, string>>>;
}

const SIP = 'lync2013-sip-federation-public-im';

/**
 * The site enables SIP and XMPP federation only: the five federation rows and the internal XMPP gateway row apply,
 * remote users and public IM do not (the Windows Live Messenger rows are obsolete whatever the site enables). Every skeleton permits the internal 23456 flow; each intent supplies the
 * federation rules.
 */
export const BASE_STATUSES: Readonly<Record<string, RequirementStatus>> = {
  [`${SIP}/sip-federation-in`]: 'satisfied',
  [`${SIP}/sip-federation-out`]: 'satisfied',
  [`${SIP}/sip-client-in`]: 'not-applicable',
  [`${SIP}/wlm-rtp-out`]: 'obsolete',
  [`${SIP}/wlm-stun-out`]: 'obsolete',
  [`${SIP}/wlm-stun-in`]: 'obsolete',
  [`${SIP}/xmpp-s2s-in`]: 'satisfied',
  [`${SIP}/xmpp-s2s-out`]: 'satisfied',
  [`${SIP}/xmpp-gateway-to-edge`]: 'satisfied',
};

/** Severities, for readers of the table: the ranks a finding may have. */
export type { Severity };

/** Windows rule string of the federation permits, shared by intents that change only something else. */
const WIN_FED_IN = 'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=5061|LPort=5269|LA4=203.0.113.10|Name=Federation in|';
const WIN_FED_OUT = 'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|Profile=Public|RPort=5061|RPort=5269|LA4=203.0.113.10|Name=Federation out|';

const IPT_FED_IN = '-A FORWARD -d 203.0.113.10/32 -i eth0 -o eth1 -p tcp -m multiport --dports 5061,5269 -j ACCEPT';
const IPT_FED_OUT = '-A FORWARD -s 203.0.113.10/32 -i eth1 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT';

const ASA_FED_IN = 'access-list outside_access_in extended permit tcp any4 host 203.0.113.10 object-group FED-PORTS';
const ASA_FED_OUT = 'access-list dmz_access_in extended permit tcp host 203.0.113.10 any4 object-group FED-PORTS';

/** A FortiOS accept policy. */
function fgPolicy(id: number, from: string, to: string, src: string, dst: string, extra: readonly string[] = []): string[] {
  return [
    `    edit ${id}`,
    `        set name "P${id}"`,
    `        set srcintf "${from}"`,
    `        set dstintf "${to}"`,
    ...(extra.some((l) => l.includes('set action')) ? [] : ['        set action accept']),
    `        set srcaddr ${src}`,
    `        set dstaddr ${dst}`,
    '        set schedule "always"',
    '        set service "SIP-TLS-5061" "XMPP-S2S-5269"',
    ...extra,
    '    next',
  ];
}
const fgPolicies = (...policies: string[][]) => ['config firewall policy', ...policies.flat(), 'end'];
const FG_EDGE = ['config firewall address', '    edit "Edge-Ext"', '        set subnet 203.0.113.10 255.255.255.255', '    next', 'end'];
const FG_FED_IN = fgPolicy(10, 'wan1', 'dmz', '"all"', '"Edge-Ext"');
const FG_FED_OUT = fgPolicy(11, 'dmz', 'wan1', '"Edge-Ext"', '"all"');

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const FG_RFC1918 = [
  'config firewall address',
  ...RFC1918.flatMap((n, k) => [`    edit "RFC1918-${k + 1}"`, `        set subnet ${n.replace(/\/(\d+)/, (_, l) => ` ${mask(Number(l))}`)}`, '    next']),
  'end',
  'config firewall addrgrp',
  '    edit "RFC1918"',
  '        set member "RFC1918-1" "RFC1918-2" "RFC1918-3"',
  '    next',
  'end',
];
function mask(len: number): string {
  const m = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

export const INTENTS: readonly Intent[] = [
  {
    id: 'permit-any-to-edge',
    title: 'permit TCP 5061/5269 from any to the Edge, and from the Edge to any',
    findings: [],
    iptables: { filter: [IPT_FED_IN, IPT_FED_OUT] },
    windows: [WIN_FED_IN, WIN_FED_OUT],
    asa: [ASA_FED_IN, ASA_FED_OUT],
    fortigate: [...FG_EDGE, ...fgPolicies(FG_FED_IN, FG_FED_OUT)],
  },
  {
    id: 'deny-internal-then-permit-any-out',
    title: "the Edge's outbound 5061/5269: deny the internal networks (10/8, 172.16/12, 192.168/16), then permit any",
    // The Internet is every address but the organisation's: the denied ranges are not part of it, so the
    // documented outbound flows are all permitted. Nothing above low may be reported.
    findings: [],
    iptables: {
      filter: [
        IPT_FED_IN,
        ...RFC1918.map((n) => `-A FORWARD -s 203.0.113.10/32 -d ${n} -i eth1 -o eth0 -p tcp -m multiport --dports 5061,5269 -j DROP`),
        IPT_FED_OUT,
      ],
    },
    windows: [
      WIN_FED_IN,
      `v2.26|Action=Block|Active=TRUE|Dir=Out|Protocol=6|Profile=Public|RPort=5061|RPort=5269|LA4=203.0.113.10|${RFC1918.map((n) => `RA4=${n}`).join('|')}|Name=No federation to internal networks|`,
      WIN_FED_OUT,
    ],
    asa: [
      ASA_FED_IN,
      ...['10.0.0.0 255.0.0.0', '172.16.0.0 255.240.0.0', '192.168.0.0 255.255.0.0'].map((n) => `access-list dmz_access_in extended deny tcp host 203.0.113.10 ${n} object-group FED-PORTS`),
      ASA_FED_OUT,
    ],
    fortigate: [...FG_EDGE, ...FG_RFC1918, ...fgPolicies(FG_FED_IN, fgPolicy(9, 'dmz', 'wan1', '"Edge-Ext"', '"RFC1918"', ['        set action deny']), FG_FED_OUT)],
  },
  {
    id: 'group-with-dynamic-member',
    title: 'a permit whose destination group holds the Edge and an FQDN (dynamic) member',
    // The Edge is certainly in the group: the documented flows are certainly permitted. What the FQDN resolves to
    // is not in the export, but it cannot take anything away from a permit.
    findings: [],
    iptables: {
      // iptables resolves a name once, when the rule is added; a DNS-driven member lives in an ipset, whose
      // members iptables-save does not print.
      ipsets: ['ipset create PARTNER-FQDN hash:ip'],
      filter: [IPT_FED_IN, '-A FORWARD -i eth0 -o eth1 -p tcp -m set --match-set PARTNER-FQDN dst -m multiport --dports 5061,5269 -j ACCEPT', IPT_FED_OUT],
    },
    asa: [
      'object network PARTNER-FQDN',
      ' fqdn v4 sip.partner.example',
      'object-group network EDGE-AND-PARTNER',
      ' network-object host 203.0.113.10',
      ' network-object object PARTNER-FQDN',
      'access-list outside_access_in extended permit tcp any4 object-group EDGE-AND-PARTNER object-group FED-PORTS',
      ASA_FED_OUT,
    ],
    fortigate: [
      ...FG_EDGE,
      'config firewall address',
      '    edit "partner-fqdn"',
      '        set type fqdn',
      '        set fqdn "sip.partner.example"',
      '    next',
      'end',
      'config firewall addrgrp',
      '    edit "Edge-And-Partner"',
      '        set member "Edge-Ext" "partner-fqdn"',
      '    next',
      'end',
      ...fgPolicies(fgPolicy(10, 'wan1', 'dmz', '"all"', '"Edge-And-Partner"'), FG_FED_OUT),
    ],
    absent: { windows: "a Windows Firewall rule's local address (the Edge host's own) cannot name an FQDN" },
  },
  {
    id: 'negated-destination',
    title: 'permit 5061/5269 from any to every destination but the internal networks',
    // The documented flows are permitted; but the rule decides 5061/5269 to every host behind the DMZ leg, not only
    // to the Edge: "any destination", however it is written (a negation, or a deny then "any").
    findings: ['any-rule @5061, 5269 medium'],
    iptables: { filter: ['-A FORWARD ! -d 10.0.0.0/8 -i eth0 -o eth1 -p tcp -m multiport --dports 5061,5269 -j ACCEPT', IPT_FED_OUT] },
    // The ASA has no negation: it writes a deny, then any.
    asa: ['access-list outside_access_in extended deny tcp any4 10.0.0.0 255.0.0.0 object-group FED-PORTS', 'access-list outside_access_in extended permit tcp any4 any4 object-group FED-PORTS', ASA_FED_OUT],
    fortigate: [
      ...FG_EDGE,
      'config firewall address',
      '    edit "Internal-10"',
      '        set subnet 10.0.0.0 255.0.0.0',
      '    next',
      'end',
      ...fgPolicies(fgPolicy(10, 'wan1', 'dmz', '"all"', '"Internal-10"', ['        set dstaddr-negate enable']), FG_FED_OUT),
    ],
    absent: { windows: "on the Edge host every local address is the Edge itself: a negated local address opens no other host" },
  },
  {
    id: 'disabled-permit',
    title: 'the XMPP federation permit is disabled',
    statuses: { [`${SIP}/xmpp-s2s-in`]: 'missing' },
    // XMPP federation is documented both ways and is now permitted only outbound.
    findings: [`missing-flow ${SIP}/xmpp-s2s-in@5269 high`, `wrong-direction ${SIP}/xmpp-s2s-in@5269 low`],
    windows: [
      'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=5061|LA4=203.0.113.10|Name=SIP federation in|',
      'v2.26|Action=Allow|Active=FALSE|Dir=In|Protocol=6|Profile=Public|LPort=5269|LA4=203.0.113.10|Name=XMPP federation in|',
      WIN_FED_OUT,
    ],
    asa: [
      'access-list outside_access_in extended permit tcp any4 host 203.0.113.10 eq 5061',
      'access-list outside_access_in extended permit tcp any4 host 203.0.113.10 eq 5269 inactive',
      ASA_FED_OUT,
    ],
    fortigate: [
      ...FG_EDGE,
      ...fgPolicies(
        fgPolicy(10, 'wan1', 'dmz', '"all"', '"Edge-Ext"').map((l) => l.replace('"SIP-TLS-5061" "XMPP-S2S-5269"', '"SIP-TLS-5061"')),
        fgPolicy(12, 'wan1', 'dmz', '"all"', '"Edge-Ext"', ['        set status disable']).map((l) => l.replace('"SIP-TLS-5061" "XMPP-S2S-5269"', '"XMPP-S2S-5269"')),
        FG_FED_OUT,
      ),
    ],
    absent: { iptables: 'iptables-save has no disabled rule: a rule switched off is not in the export at all' },
  },
  {
    id: 'published-nat',
    title: "static NAT publishes the Edge's private address 172.16.10.10 as 203.0.113.10; rules name whichever the vendor's filters see",
    findings: [],
    iptables: {
      filter: [
        '-A FORWARD -d 172.16.10.10/32 -i eth0 -o eth1 -p tcp -m multiport --dports 5061,5269 -j ACCEPT',
        '-A FORWARD -s 172.16.10.10/32 -i eth1 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT',
      ],
      nat: ['-A PREROUTING -d 203.0.113.10/32 -i eth0 -j DNAT --to-destination 172.16.10.10', '-A POSTROUTING -s 172.16.10.10/32 -o eth0 -j SNAT --to-source 203.0.113.10'],
    },
    asa: [
      'object network EDGE-EXT',
      ' host 172.16.10.10',
      'access-list outside_access_in extended permit tcp any4 object EDGE-EXT object-group FED-PORTS',
      'access-list dmz_access_in extended permit tcp object EDGE-EXT any4 object-group FED-PORTS',
      'object network EDGE-EXT',
      ' nat (dmz,outside) static 203.0.113.10',
    ],
    fortigate: [
      'config firewall address',
      '    edit "Edge-Ext-Private"',
      '        set subnet 172.16.10.10 255.255.255.255',
      '    next',
      'end',
      'config firewall vip',
      '    edit "VIP-Edge"',
      '        set extip 203.0.113.10',
      '        set mappedip "172.16.10.10"',
      '        set extintf "wan1"',
      '    next',
      'end',
      ...fgPolicies(fgPolicy(10, 'wan1', 'dmz', '"all"', '"VIP-Edge"'), fgPolicy(11, 'dmz', 'wan1', '"Edge-Ext-Private"', '"all"', ['        set nat enable'])),
    ],
    absent: { windows: 'the Edge host does not translate its own addresses' },
  },
  {
    id: 'port-forward-8443-to-23456',
    title: "a port forward of the Edge's public 8443 to the Edge's internal XMPP port 23456",
    // The Internet reaches an internal-only port (the requirement of 23456), named by the port the Internet sends
    // to, 8443: the one to close on the outside.
    findings: [`exposed-internal-port ${SIP}/xmpp-gateway-to-edge@8443 critical`],
    iptables: {
      filter: [IPT_FED_IN, IPT_FED_OUT, '-A FORWARD -d 10.10.1.10/32 -i eth0 -o eth2 -p tcp -m tcp --dport 23456 -j ACCEPT'],
      nat: ['-A PREROUTING -d 203.0.113.10/32 -i eth0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.10.1.10:23456'],
    },
    asa: [
      'object network EDGE-INT',
      ' host 10.10.1.10',
      ASA_FED_IN,
      ASA_FED_OUT,
      'access-list outside_access_in extended permit tcp any4 object EDGE-INT eq 23456',
      'object network EDGE-INT',
      ' nat (dmz-int,outside) static 203.0.113.10 service tcp 23456 8443',
    ],
    fortigate: [
      ...FG_EDGE,
      'config firewall vip',
      '    edit "VIP-8443"',
      '        set extip 203.0.113.10',
      '        set mappedip "10.10.1.10"',
      '        set extintf "wan1"',
      '        set portforward enable',
      '        set extport 8443',
      '        set mappedport 23456',
      '    next',
      'end',
      ...fgPolicies(FG_FED_IN, FG_FED_OUT, fgPolicy(13, 'wan1', 'internal1', '"all"', '"VIP-8443"').map((l) => l.replace('"SIP-TLS-5061" "XMPP-S2S-5269"', '"XMPP-GW-23456"'))),
    ],
    absent: { windows: 'Windows Firewall forwards no ports' },
  },
  {
    id: 'anti-spoofing',
    title: 'anti-spoofing: deny RFC 1918 sources on the outside leg before the permits',
    // RFC 1918 sources are not on the Internet: denying them takes nothing from the documented flows.
    findings: [],
    iptables: { filter: [...RFC1918.map((n) => `-A FORWARD -s ${n} -i eth0 -j DROP`), IPT_FED_IN, IPT_FED_OUT] },
    windows: [`v2.26|Action=Block|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LA4=203.0.113.10|${RFC1918.map((n) => `RA4=${n}`).join('|')}|Name=Anti-spoofing|`, WIN_FED_IN, WIN_FED_OUT],
    asa: [
      ...['10.0.0.0 255.0.0.0', '172.16.0.0 255.240.0.0', '192.168.0.0 255.255.0.0'].map((n) => `access-list outside_access_in extended deny ip ${n} any4`),
      ASA_FED_IN,
      ASA_FED_OUT,
    ],
    fortigate: [
      ...FG_EDGE,
      ...FG_RFC1918,
      ...fgPolicies(
        [
          '    edit 1',
          '        set name "Anti-spoofing"',
          '        set srcintf "wan1"',
          '        set dstintf "any"',
          '        set srcaddr "RFC1918"',
          '        set dstaddr "all"',
          '        set schedule "always"',
          '        set service "ALL"',
          '    next',
        ],
        FG_FED_IN,
        FG_FED_OUT,
      ),
    ],
  },
];
