/**
 * Port fields of a Windows Firewall rule (`LPort`, `RPort` and their versioned keys; PowerShell `LocalPort`,
 * `RemotePort`; netsh `LocalPort`) → the static ports they name, and the ports their keywords may stand for.
 */
import { Ports } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import { TextCache } from '../caches.js';
import { terms } from './terms.js';

/**
 * Port keywords, lower-case, in every spelling the exports use (registry MS-GPFAS 2.2.2.3, PowerShell, netsh), with
 * the ports each may stand for. MS-FASP 2.2.14 (FW_PORT_KEYWORD): "the ports corresponding to these keywords change
 * dynamically" — Windows fills them in at run time from the ports the RPC runtime, RPCSS, the Teredo client or the
 * IP-HTTPS tunnel hold. So a keyword is not "no port" but "possibly these ports": the documented range where Windows
 * has one, every port where it does not.
 *   RPC           the dynamic RPC ports, 49152-65535 by default since Windows Server 2008 (KB 929851)
 *   RPC-EPMap     the RPC endpoint mapper, 135
 *   Teredo        the Teredo client's port: "dynamic and can change any time the Teredo client is restarted"
 *                 (GetTeredoPort), besides its static 3544: any port
 *   IPHTTPS/IPTLS the IP-HTTPS (DirectAccess) tunnel's listening or connecting port: 443, the port of the IP-HTTPS
 *                 URL every deployment guide uses (a URL naming another port is not in a firewall export)
 *   mDNS 5353; DHCP 67-68 and DHCPv6 546-547; PlayTo discovery, Cortana, the connected-devices platform: any port
 */
interface PortKeyword {
  /** How reasons name it. */
  readonly name: string;
  readonly ports: IntervalSet;
}

const keyword = (name: string, ranges: readonly [number, number][] | 'any'): PortKeyword => ({ name, ports: ranges === 'any' ? Ports.any() : Ports.of(ranges) });
const RPC = keyword('RPC (dynamic RPC ports)', [[49152, 65535]]);
const RPC_EPMAP = keyword('RPC-EPMap (RPC endpoint mapper)', [[135, 135]]);
const IPHTTPS_IN = keyword('IPHTTPSIn (IP-HTTPS tunnel)', [[443, 443]]);
const IPHTTPS_OUT = keyword('IPHTTPSOut (IP-HTTPS tunnel)', [[443, 443]]);
const PLAYTO = keyword('Ply2Disc (PlayTo discovery)', 'any');
const PORT_KEYWORDS: ReadonlyMap<string, PortKeyword> = new Map([
  ['rpc', RPC],
  ['rpc-epmap', RPC_EPMAP],
  ['rpcepmap', RPC_EPMAP],
  ['teredo', keyword('Teredo', 'any')],
  ['iphttps', IPHTTPS_IN],
  ['iphttpsin', IPHTTPS_IN],
  ['iphttpsout', IPHTTPS_OUT],
  ['iptlsin', IPHTTPS_IN],
  ['iptlsout', IPHTTPS_OUT],
  ['ply2disc', PLAYTO],
  ['playtodiscovery', PLAYTO],
  ['mdns', keyword('mDNS', [[5353, 5353]])],
  ['dhcp', keyword('DHCP', [[67, 68], [546, 547]])],
  ['cortanaout', keyword('CortanaOut', 'any')],
  ['tcpcdpsvc', keyword('TCPCDPSvc (connected devices platform)', 'any')],
]);

const keywordReason = (k: PortKeyword) => `port keyword ${k.name}: Windows assigns its ports at run time (${Ports.format(k.ports)})`;

/**
 * The reasons known keywords give. Windows enables rules with them by default (Core Networking IP-HTTPS, the RPC
 * endpoint mapper of management rules), so they are told as information; the verdicts they may change say so.
 */
export const PORT_KEYWORD_REASONS: ReadonlySet<string> = new Set([...PORT_KEYWORDS.values()].map(keywordReason));

export class PortValueError extends Error {}

export interface PortField {
  /** The static ports the field names; every port when the field is absent or says Any. */
  readonly ports: IntervalSet;
  /** Ports beyond `ports` the field may also stand for, through keywords; absent = none. */
  readonly possible?: IntervalSet;
  /** Why: each keyword, or a word that is neither a port, a range nor a known keyword (then any port, possibly). */
  readonly reasons: readonly string[];
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

const NO_REASONS: readonly string[] = Object.freeze([]);
const ANY_PORTS: PortField = { ports: Ports.any(), reasons: NO_REASONS };
/** Port fields repeat across rules (`443`, `5061`, `49152-65535`): each distinct one is read once. */
const CACHE = new TextCache<PortField>(4096);

function readPortField(values: readonly string[]): PortField {
  const ranges: [number, number][] = [];
  const reasons: string[] = [];
  let possible = Ports.none();
  let any = false;
  for (const value of values) {
    for (const term of terms(value)) {
      const lower = term.toLowerCase();
      const known = PORT_KEYWORDS.get(lower);
      if (lower === 'any') any = true;
      else if (known) {
        possible = possible.union(known.ports);
        reasons.push(keywordReason(known));
      } else if (/^[a-z][a-z0-9-]*$/.test(lower)) {
        possible = Ports.any();
        reasons.push(`unknown port keyword ${term}`);
      } else ranges.push(portRange(term));
    }
  }
  if (any) return ANY_PORTS;
  const ports = Ports.of(ranges);
  const extra = possible.subtract(ports);
  return extra.isEmpty() ? { ports, reasons: NO_REASONS } : { ports, possible: extra, reasons };
}

function portRange(term: string): [number, number] {
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(term);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo > 65535 || hi > 65535 || lo > hi) throw new PortValueError(`invalid port "${term}"`);
  return [lo, hi];
}
