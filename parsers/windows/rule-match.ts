/**
 * The flows a Windows Firewall rule matches. Fields are ANDed, the values of one field ORed, an absent field is
 * Any. Local and remote are relative to the host: an inbound rule's local port is the destination port and its
 * remote address the source; an outbound rule the other way round.
 */
import type { AddressSet } from '../../src/model/address-set.js';
import { Ports, protocolNumber, Protocols, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { AddressField, AddressResolver } from './addresses.js';
import type { WindowsRule } from './model.js';
import { portField, type PortField } from './ports.js';

export class RuleValueError extends Error {}

export interface RuleMatch {
  /** The flows the rule certainly matches; with `whole`-match reasons, the flows it may match. */
  readonly flows: HeaderSpace[];
  /** Flows it may also match through keywords whose addresses or ports are outside the export (model RuleMatch). */
  readonly possibleFlows?: HeaderSpace[];
  /** Why (rule-graph Rule.uncertain): the whole match is doubtful when `possibleFlows` is absent. */
  readonly uncertain: readonly string[];
}

const TCP = 6;
const UDP = 17;
const ICMP_PROTOCOLS = new Set([1, 58]);

/** Throws RuleValueError (or the port / address errors) on a value Windows itself would not accept. */
export function ruleMatch(rule: WindowsRule, addresses: AddressResolver): RuleMatch {
  const protocol = protocolOf(rule.protocol);
  const local = addresses.field(rule.localAddresses);
  const remote = addresses.field(rule.remoteAddresses);
  const localPorts = portField(rule.localPorts);
  const remotePorts = portField(rule.remotePorts);
  const proto = protocolSet(protocol);
  const inbound = rule.direction === 'in';
  const flowsOf = (la: AddressSet, ra: AddressSet, lp: IntervalSet, rp: IntervalSet): HeaderSpace[] => {
    const src = inbound ? ra : la;
    const dst = inbound ? la : ra;
    if (src.isEmpty() || dst.isEmpty()) return [];
    // ICMP flows carry the type in the destination-port dimension and the code in the source-port one (header-space.ts).
    if (rule.icmpTypes.length > 0) return rule.icmpTypes.map((t) => ({ src, dst, proto, ...icmpTypeCode(t) }));
    return lp.isEmpty() || rp.isEmpty() ? [] : [{ src, dst, proto, sport: inbound ? rp : lp, dport: inbound ? lp : rp }];
  };
  const flows = flowsOf(local.addresses, remote.addresses, localPorts.ports, remotePorts.ports);
  const partial = keywordReasons(local, remote, localPorts, remotePorts);
  const whole = wholeMatchReasons(rule, protocol);
  if (partial.length === 0) return { flows, uncertain: whole };
  // Every flow the keywords may add: the product of each field's certain and possible values, less the certain flows.
  const mayMatch = flowsOf(mayName(local), mayName(remote), mayPorts(localPorts), mayPorts(remotePorts));
  // A rule that is doubtful as a whole (an interface limit, IPsec) keeps one doubtful match over all of it.
  if (whole.length > 0) return { flows: mayMatch, uncertain: [...whole, ...partial] };
  return { flows, possibleFlows: subtractFlows(mayMatch, flows), uncertain: partial };
}

const mayName = (f: AddressField): AddressSet => (f.possible ? f.addresses.union(f.possible) : f.addresses);
const mayPorts = (f: PortField): IntervalSet => (f.possible ? f.ports.union(f.possible) : f.ports);

/** Keywords whose addresses or ports are outside the export: what they add is possible, not certain. */
function keywordReasons(local: AddressField, remote: AddressField, localPorts: PortField, remotePorts: PortField): readonly string[] {
  if (local.unresolved.length + remote.unresolved.length + localPorts.reasons.length + remotePorts.reasons.length === 0) return NO_REASONS;
  const out: string[] = [];
  for (const word of local.unresolved) out.push(keywordReason(word));
  for (const word of remote.unresolved) if (!local.unresolved.includes(word)) out.push(keywordReason(word));
  for (const reason of [...localPorts.reasons, ...remotePorts.reasons]) if (!out.includes(reason)) out.push(reason);
  return out;
}

/** Why the rule may or may not match at all; most rules have no reason, and get none without allocating. */
function wholeMatchReasons(rule: WindowsRule, protocol: number | undefined): readonly string[] {
  const out: string[] = [];
  if (rule.localPorts.length + rule.remotePorts.length > 0 && protocol !== TCP && protocol !== UDP) {
    out.push(`ports given for protocol ${rule.protocol ?? 'Any'}: Windows accepts ports only with TCP or UDP`);
  }
  if (rule.icmpTypes.length > 0 && (protocol === undefined || !ICMP_PROTOCOLS.has(protocol))) {
    out.push(`ICMP types given for protocol ${rule.protocol ?? 'Any'}: Windows accepts them only with ICMPv4 or ICMPv6`);
  }
  const interfaces = rule.interfaces.length > 0 ? interfaceLimit(rule.interfaces) : undefined;
  if (interfaces) out.push(`applies only to ${interfaces}: the export does not say which interface carries the flow`);
  if (rule.conditions) for (const c of rule.conditions) out.push(c);
  for (const key of rule.unknownKeys) out.push(`rule field ${key} is not known to edge-audit`);
  return out.length === 0 ? NO_REASONS : out;
}

const NO_REASONS: readonly string[] = Object.freeze([]);

function keywordReason(word: string): string {
  return `address keyword ${word} is not defined in the site profile (addressKeywords)`;
}

const INTERFACE_TYPES = ['lan', 'wireless', 'remoteaccess'];

/**
 * The interfaces a rule is limited to, in words; undefined when it is not limited (no value, Any, or every type).
 * An Edge server's NICs are wired, but which type Windows assigns (a teamed or virtual NIC, a VPN) is not in the
 * export, so any limit leaves the rule uncertain rather than assumed to apply.
 */
function interfaceLimit(values: readonly string[]): string | undefined {
  const lower = values.map((v) => v.trim().toLowerCase());
  if (lower.length === 0 || lower.some((v) => v === 'any' || v === 'all')) return undefined;
  if (INTERFACE_TYPES.every((t) => lower.includes(t))) return undefined;
  const types = values.filter((v) => INTERFACE_TYPES.includes(v.trim().toLowerCase()));
  const ids = values.filter((v) => !INTERFACE_TYPES.includes(v.trim().toLowerCase()));
  return [types.length > 0 ? `interface type ${types.join(', ')}` : '', ids.length > 0 ? `interface ${ids.join(', ')}` : ''].filter(Boolean).join(' and ');
}

const PROTOCOL_SETS = new Map<number | undefined, IntervalSet>();

/** One shared set per protocol: a file names a handful. */
function protocolSet(protocol: number | undefined): IntervalSet {
  let set = PROTOCOL_SETS.get(protocol);
  if (!set) PROTOCOL_SETS.set(protocol, (set = protocol === undefined ? Protocols.any() : Protocols.only(protocol)));
  return set;
}

/** A protocol number, name (`TCP`, `ICMPv4`) or Any → the protocol number; undefined = any protocol. */
function protocolOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const lower = text.trim().toLowerCase();
  if (lower === 'any' || lower === '*' || lower === '256') return undefined;
  const n = protocolNumber(lower === 'icmpv4' ? 'icmp' : lower);
  if (n === undefined) throw new RuleValueError(`invalid protocol "${text}"`);
  return n;
}

/** `8:*`, `3:4`, `8` (PowerShell), `Any` → ICMP type (in dport) and code (in sport). */
function icmpTypeCode(text: string): { sport: IntervalSet; dport: IntervalSet } {
  const trimmed = text.trim();
  if (/^(any|\*)$/i.test(trimmed)) return { sport: Ports.any(), dport: Ports.any() };
  const m = /^(\d{1,3})(?::(\d{1,3}|\*))?$/.exec(trimmed);
  if (!m || Number(m[1]) > 255 || (m[2] !== undefined && m[2] !== '*' && Number(m[2]) > 255)) {
    throw new RuleValueError(`invalid ICMP type:code "${text}"`);
  }
  const code = m[2] === undefined || m[2] === '*' ? Ports.any() : Ports.range(Number(m[2]));
  return { sport: code, dport: Ports.range(Number(m[1])) };
}
