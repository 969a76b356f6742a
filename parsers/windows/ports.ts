/**
 * Port fields of a Windows Firewall rule (`LPort`, `RPort` and their versioned keys; PowerShell `LocalPort`,
 * `RemotePort`; netsh `LocalPort`) → the exact set of static ports they name.
 */
import { Ports } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import { TextCache } from '../caches.js';
import { terms } from './terms.js';

/**
 * Port keywords, lower-case, in every spelling the exports use (registry MS-GPFAS 2.2.2.3, PowerShell, netsh).
 * Each stands for ports Windows picks at run time or that a system component claims for itself: the dynamic RPC
 * ports the RPC runtime hands to registered RPC servers, the endpoint mapper of RPCSS, the Teredo client's UDP port,
 * the IP-HTTPS / IP-TLS tunnel ports of DirectAccess (consumed by the tunnel interface in the kernel, not by a
 * listening service), PlayTo discovery, mDNS, DHCP, Cortana and the connected-devices platform. None of them is a
 * port a Lync or Skype for Business service listens on or connects to, so a keyword opens no static port: a rule
 * with only keywords matches none of the documented flows, exactly, and is not uncertain.
 */
const PORT_KEYWORDS: ReadonlySet<string> = new Set([
  'rpc',
  'rpc-epmap',
  'rpcepmap',
  'teredo',
  'iphttps',
  'iphttpsin',
  'iphttpsout',
  'iptlsin',
  'iptlsout',
  'ply2disc',
  'playtodiscovery',
  'mdns',
  'dhcp',
  'cortanaout',
  'tcpcdpsvc',
]);

export class PortValueError extends Error {}

export interface PortField {
  /** The static ports the field names; every port when the field is absent or says Any. */
  readonly ports: IntervalSet;
  /** Words that are neither a port, a range nor a known keyword: the field then counts as any port, uncertainly. */
  readonly unknownKeywords: readonly string[];
}

/**
 * A port field: numbers, ranges `a-b`, keywords, `Any` / `*`; a value may itself be a comma list (PowerShell
 * prints `80, 443`). [] = absent = any port. Throws PortValueError on a malformed number or range.
 */
export function portField(values: readonly string[]): PortField {
  if (values.length === 0) return ANY_PORTS;
  const key = values.length === 1 ? values[0]! : values.join('|');
  return CACHE.get(key) ?? CACHE.set(key, readPortField(values));
}

const ANY_PORTS: PortField = { ports: Ports.any(), unknownKeywords: [] };
/** Port fields repeat across rules (`443`, `5061`, `49152-65535`): each distinct one is read once. */
const CACHE = new TextCache<PortField>(4096);

function readPortField(values: readonly string[]): PortField {
  const ranges: [number, number][] = [];
  const unknownKeywords: string[] = [];
  let any = false;
  for (const value of values) {
    for (const term of terms(value)) {
      const lower = term.toLowerCase();
      if (lower === 'any') any = true;
      else if (PORT_KEYWORDS.has(lower)) continue;
      else if (/^[a-z][a-z0-9-]*$/.test(lower)) unknownKeywords.push(term);
      else ranges.push(portRange(term));
    }
  }
  if (any || unknownKeywords.length > 0) return { ports: Ports.any(), unknownKeywords };
  return { ports: Ports.of(ranges), unknownKeywords };
}

function portRange(term: string): [number, number] {
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(term);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo > 65535 || hi > 65535 || lo > hi) throw new PortValueError(`invalid port "${term}"`);
  return [lo, hi];
}
