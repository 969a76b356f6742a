/**
 * The address-translation rules of the `nat` table → NatRule. Only the translating targets are kept;
 * everything else in `nat` (ACCEPT, RETURN, LOG, jumps) decides nothing about filtering.
 */
import type { AddressSet, Family } from '../../src/model/address-set.js';
import { Ports } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { NatRule, Origin, RuleMatch } from '../../src/model/rule-graph.js';
import { MatchError, parseAddress } from './match-flows.js';
import type { TargetSpec } from './rule-options.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const BUILT_IN_NAT_CHAINS = new Set(['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT']);

/**
 * nat PREROUTING/OUTPUT (priority -100) come after raw (-300) and mangle (-150) PREROUTING/OUTPUT and before the
 * INPUT/FORWARD/OUTPUT filters: filters from this stage on (see ATTACHMENTS in to-device.ts) see DNAT's addresses.
 */
export const DNAT_STAGE = 12;

/** The NatRule for a translating target; undefined for targets that translate nothing. */
export function natRule(id: string, target: TargetSpec, chain: string, match: RuleMatch, family: Family, origin: Origin): NatRule | undefined {
  let kind: NatRule['kind'];
  let addressOption: string | undefined;
  let portOption: string | undefined;
  switch (target.name) {
    case 'DNAT':
      kind = 'destination';
      addressOption = '--to-destination';
      break;
    case 'SNAT':
      kind = 'source';
      addressOption = '--to-source';
      break;
    case 'REDIRECT':
      kind = 'destination';
      portOption = '--to-ports';
      break;
    case 'MASQUERADE':
      kind = 'source';
      portOption = '--to-ports';
      break;
    case 'NETMAP':
      // NETMAP maps destinations in PREROUTING/OUTPUT and sources in POSTROUTING/INPUT.
      kind = chain === 'POSTROUTING' || chain === 'INPUT' ? 'source' : 'destination';
      break;
    default:
      return undefined;
  }
  // Destination NAT happens in PREROUTING/OUTPUT, before the filter table sees the packet; source NAT in
  // POSTROUTING/INPUT, after it. A translation in a user chain is applied only where its chain is jumped to,
  // which the engine does not follow through the nat table: it is read but not applied (the caller says so).
  const builtIn = BUILT_IN_NAT_CHAINS.has(chain);
  const rule: Mutable<NatRule> = { id, kind, match, seenFromStage: kind === 'destination' ? DNAT_STAGE : Infinity, enabled: builtIn, origin };
  for (const o of target.options) {
    const arg = o.args[0];
    if (arg === undefined) continue;
    if (o.name === addressOption) {
      const { addresses, ports } = parseNatTo(arg, family);
      if (addresses) rule.toAddresses = rule.toAddresses ? rule.toAddresses.union(addresses) : addresses;
      if (ports) rule.toPorts = rule.toPorts ? rule.toPorts.union(ports) : ports;
    } else if (o.name === portOption) {
      rule.toPorts = natPorts(arg, arg);
    } else if (target.name === 'NETMAP' && o.name === '--to') {
      rule.toAddresses = checked(parseAddress(arg), family, arg);
    }
  }
  return rule;
}

/**
 * `--to-destination` / `--to-source`: `[addr[-addr]][:port[-port][/base]]`; IPv6 addresses with a port
 * are bracketed: `[2001:db8::5]:4443`, `[2001:db8::5-2001:db8::9]:4443-4450`.
 */
export function parseNatTo(text: string, family: Family): { addresses?: AddressSet; ports?: IntervalSet } {
  let addressText: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new MatchError(`malformed NAT address "${text}"`);
    addressText = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new MatchError(`malformed NAT address "${text}"`);
      portText = rest.slice(1);
    }
  } else if (family === 'ipv6' && text.indexOf(':') !== text.lastIndexOf(':')) {
    addressText = text;
  } else {
    const colon = text.indexOf(':');
    addressText = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  const out: { addresses?: AddressSet; ports?: IntervalSet } = {};
  if (addressText !== '') out.addresses = checked(parseAddress(addressText), family, text);
  if (portText !== undefined) out.ports = natPorts(portText, text);
  return out;
}

/** `1024`, `1024-2000`, `80-90/100` (the `/base` of a port shift does not change the port range). */
function natPorts(text: string, whole: string): IntervalSet {
  const slash = text.indexOf('/');
  const range = slash < 0 ? text : text.slice(0, slash);
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range);
  if (!m) throw new MatchError(`malformed NAT port range in "${whole}"`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi > 65535 || lo > hi) throw new MatchError(`malformed NAT port range in "${whole}"`);
  return Ports.range(lo, hi);
}

function checked(set: AddressSet, family: Family, text: string): AddressSet {
  const other = family === 'ipv4' ? set.v6 : set.v4;
  if (!other.isEmpty()) throw new MatchError(`NAT address "${text}" is not ${family}`);
  return set;
}
