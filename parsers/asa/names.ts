/**
 * The literal names the ASA accepts for ports, protocols and ICMP types, and its port operators.
 *
 * Ports: the table "TCP and UDP Ports" of the Cisco ASA Series General Operations Configuration Guide
 * (chapter "Addresses, Protocols, and Ports", asa-9x-general-config/ref-ports.html). The ASA keeps its own
 * numbers where they differ from IANA: `sip` is 5060, `sqlnet` 1521, `radius` 1645, `kerberos` 750, `dnsix`
 * 195, `aol` 5190. Where a name is valid for both TCP and UDP the table gives it one number, so one map serves
 * both; `www` and `http` are 80 for either.
 */
import type { IntervalSet } from '../../src/model/interval-set.js';
import { Ports, PORT_MAX } from '../../src/model/header-space.js';

export const PORT_NAMES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    aol: 5190, bgp: 179, biff: 512, bootpc: 68, bootps: 67, chargen: 19, cifs: 3020, 'citrix-ica': 1494,
    cmd: 514, ctiqbe: 2748, daytime: 13, discard: 9, dnsix: 195, domain: 53, echo: 7, exec: 512, finger: 79,
    ftp: 21, 'ftp-data': 20, gopher: 70, h323: 1720, hostname: 101, http: 80, https: 443, ident: 113, imap4: 143,
    irc: 194, isakmp: 500, kerberos: 750, klogin: 543, kshell: 544, ldap: 389, ldaps: 636, login: 513,
    lotusnotes: 1352, lpd: 515, 'mobile-ip': 434, nameserver: 42, 'netbios-dgm': 138, 'netbios-ns': 137,
    'netbios-ssn': 139, nfs: 2049, nntp: 119, ntp: 123, 'pcanywhere-data': 5631, 'pcanywhere-status': 5632,
    'pim-auto-rp': 496, pop2: 109, pop3: 110, pptp: 1723, radius: 1645, 'radius-acct': 1646, rip: 520, rsh: 514,
    rtsp: 554, 'secureid-udp': 5510, sip: 5060, smtp: 25, snmp: 161, snmptrap: 162, sqlnet: 1521, ssh: 22,
    sunrpc: 111, rpc: 111, syslog: 514, tacacs: 49, talk: 517, telnet: 23, tftp: 69, time: 37, uucp: 540,
    vxlan: 4789, who: 513, whois: 43, www: 80, xdmcp: 177,
  }),
);

/**
 * Protocol literals (same guide, "Protocols and Applications"). `ip` is every protocol; `ipsec` and `pptp`
 * are the ASA's aliases for ESP and GRE.
 */
const PROTOCOL_NAMES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    ah: 51, eigrp: 88, esp: 50, gre: 47, icmp: 1, icmp6: 58, igmp: 2, igrp: 9, ipinip: 4, ipsec: 50, nos: 94,
    ospf: 89, pcp: 108, pim: 103, pptp: 47, sctp: 132, snp: 109, tcp: 6, udp: 17,
  }),
);

/** ICMP type literals ("ICMP Types" table); ICMPv6 has its own (`icmp6` service objects and ACL lines). */
const ICMP_TYPES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    'echo-reply': 0, unreachable: 3, 'source-quench': 4, redirect: 5, 'alternate-address': 6, echo: 8,
    'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
    'timestamp-request': 13, 'timestamp-reply': 14, 'information-request': 15, 'information-reply': 16,
    'mask-request': 17, 'mask-reply': 18, traceroute: 30, 'conversion-error': 31, 'mobile-redirect': 32,
  }),
);

const ICMP6_TYPES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    unreachable: 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4, echo: 128, 'echo-reply': 129,
    'membership-query': 130, 'membership-report': 131, 'membership-reduction': 132, 'router-solicitation': 133,
    'router-advertisement': 134, 'neighbor-solicitation': 135, 'neighbor-advertisement': 136,
    'neighbor-redirect': 137, 'router-renumbering': 138,
  }),
);

export const TCP = 6;
export const UDP = 17;
export const SCTP = 132;
export const ICMP = 1;
export const ICMP6 = 58;

/** A value the ASA would not accept; the caller adds the line. */
export class NameError extends Error {}

/** `tcp`, `6`; undefined for `ip` (every protocol). */
export function protocolOf(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w === 'ip') return undefined;
  if (/^\d{1,3}$/.test(w) && Number(w) <= 255) return Number(w);
  const n = PROTOCOL_NAMES.get(w);
  if (n === undefined) throw new NameError(`unknown protocol "${word}"`);
  return n;
}

export function isProtocolWord(word: string): boolean {
  const w = word.toLowerCase();
  return w === 'ip' || PROTOCOL_NAMES.has(w) || (/^\d{1,3}$/.test(w) && Number(w) <= 255);
}

export function portNumber(word: string): number {
  if (/^\d{1,5}$/.test(word)) {
    const n = Number(word);
    if (n <= 65535) return n;
  }
  const n = PORT_NAMES.get(word.toLowerCase());
  if (n === undefined) throw new NameError(`unknown port "${word}"`);
  return n;
}

export function icmpTypeNumber(word: string, protocol: number): number {
  if (/^\d{1,3}$/.test(word) && Number(word) <= 255) return Number(word);
  const n = (protocol === ICMP6 ? ICMP6_TYPES : ICMP_TYPES).get(word.toLowerCase());
  if (n === undefined) throw new NameError(`unknown ${protocol === ICMP6 ? 'ICMPv6' : 'ICMP'} type "${word}"`);
  return n;
}

export function isIcmpTypeWord(word: string, protocol: number): boolean {
  return (/^\d{1,3}$/.test(word) && Number(word) <= 255) || (protocol === ICMP6 ? ICMP6_TYPES : ICMP_TYPES).has(word.toLowerCase());
}

/** One shared set per port: `eq https` is in thousands of entries. */
const singlePorts = new Map<number, IntervalSet>();
function singlePort(p: number): IntervalSet {
  let set = singlePorts.get(p);
  if (!set) singlePorts.set(p, (set = Ports.range(p)));
  return set;
}

export const PORT_OPERATORS: ReadonlySet<string> = new Set(['eq', 'neq', 'lt', 'gt', 'range']);

/**
 * A port operator and its operands, read from `words` at `at`: `eq P`, `neq P` (every port but P),
 * `lt P` (0 to P-1), `gt P` (P+1 to 65535), `range A B` (inclusive). Returns the set and the words used.
 */
export function readPortOperator(words: readonly string[], at: number): { ports: IntervalSet; used: number } {
  const op = words[at]!;
  const first = words[at + 1];
  if (first === undefined) throw new NameError(`"${op}" needs a port`);
  const p = portNumber(first);
  switch (op) {
    case 'eq':
      return { ports: singlePort(p), used: 2 };
    case 'neq':
      return { ports: Ports.range(p).complement(), used: 2 };
    case 'lt':
      if (p === 0) throw new NameError('"lt 0" matches no port');
      return { ports: Ports.range(0, p - 1), used: 2 };
    case 'gt':
      if (p === Number(PORT_MAX)) throw new NameError('"gt 65535" matches no port');
      return { ports: Ports.range(p + 1, Number(PORT_MAX)), used: 2 };
    case 'range': {
      const second = words[at + 2];
      if (second === undefined) throw new NameError('"range" needs two ports');
      const q = portNumber(second);
      if (q < p) throw new NameError(`"range ${first} ${second}" is empty`);
      return { ports: Ports.range(p, q), used: 3 };
    }
    default:
      throw new NameError(`unknown port operator "${op}"`);
  }
}
