/**
 * The vendor-independent rule graph: the contract between parsers (which build it) and the engine
 * (which evaluates it). Nothing here knows any vendor's syntax; every rule points back to its source text.
 */
import type { AddressSet, Family } from './address-set.js';
import type { FlowSet } from './header-space.js';
import type { IntervalSet } from './interval-set.js';

/** Where a rule, policy or declaration came from: what a reviewer needs to find it again. */
export interface Origin {
  readonly file: string;
  /** 1-based line number in `file`. */
  readonly line: number;
  /** The original line(s), verbatim (secrets already redacted by the parser). */
  readonly text: string;
}

export type Decision = 'permit' | 'deny';

/**
 * What a matching rule does.
 * - permit/deny end the evaluation of the filter (reject is a deny that answers the sender).
 * - call evaluates another filter; flows that fall off its end or hit `return` come back and go on here
 *   (iptables `-j CHAIN`). goto is the same, except that they come back to this filter's caller (`-g CHAIN`).
 * - continue changes nothing about the verdict (LOG, MARK, counters) and evaluation goes on.
 * - unknown: the verdict is taken by something outside the export (iptables NFQUEUE's user-space program) or by a
 *   target edge-audit does not know; every verdict on the flows it matches may differ and is reported uncertain.
 */
export type RuleAction =
  | { readonly type: 'permit' }
  | { readonly type: 'deny'; readonly reject?: boolean }
  | { readonly type: 'call'; readonly filter: string }
  | { readonly type: 'goto'; readonly filter: string }
  | { readonly type: 'return' }
  | { readonly type: 'continue'; readonly target: string }
  | { readonly type: 'unknown'; readonly target: string };

/**
 * An interface test: the flow's interface is one of `names` (or none of them, when negated). Several names stand
 * for a zone or an interface list (FortiGate `srcintf`).
 */
export interface InterfaceMatch {
  /** Exact interface names. */
  readonly names: readonly string[];
  readonly negated: boolean;
  /**
   * A wildcard (iptables `-i eth+`), expanded by the parser: `names` holds every interface the export names that it
   * matches, and this says "and any interface the export never names that starts with one of these prefixes" (an
   * interface only the site profile names). The empty prefix (`-i +`) is every interface.
   */
  readonly otherWithPrefix?: readonly string[];
}

export type ConnectionState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

export interface RuleMatch {
  /**
   * The flows the rule matches for certain: a union, because some matches (`-m multiport --ports`) are not one
   * product. (For a rule whose whole match is doubtful, see `Rule.uncertain`: the flows it would match.)
   */
  readonly flows: FlowSet;
  /**
   * Flows the rule may ALSO match, beyond `flows`, for the reasons in `Rule.uncertain`: a group holding a host and
   * an FQDN object certainly matches the host and possibly any address the name resolves to. Absent = none.
   */
  readonly possibleFlows?: FlowSet;
  readonly inInterface?: InterfaceMatch;
  readonly outInterface?: InterfaceMatch;
  /** The connection states the rule matches; absent = all. The audit is about new connections. */
  readonly states?: readonly ConnectionState[];
}

export interface Rule {
  /** Unique within its device and stable across runs of the same file (e.g. `filter/FORWARD/3`). */
  readonly id: string;
  readonly action: RuleAction;
  readonly match: RuleMatch;
  /** Disabled rules (ASA `inactive`, FortiGate `status disable`, Windows `Enabled=No`) never match. */
  readonly enabled: boolean;
  /**
   * Why the parser cannot say exactly which flows the rule matches. Two meanings, told apart by
   * `match.possibleFlows`:
   * - absent: the WHOLE match is doubtful (a time range, an unknown match module, an ipset whose members are not
   *   in the export): the rule may or may not match the flows in `match.flows`;
   * - present: `match.flows` is matched for certain and these reasons concern only `match.possibleFlows` (an FQDN
   *   or a run-time address beside exact members, a port keyword whose ports are assigned at run time).
   * A rule that has both (an FQDN object and a time range) is wholly doubtful: the parser puts every flow it may
   * match in `match.flows`, all the reasons here, and no `possibleFlows`.
   * Every verdict that depends on a doubtful flow is reported as uncertain; verdicts on certain flows are exact.
   */
  readonly uncertain: readonly string[];
  readonly name?: string;
  readonly comment?: string;
  /**
   * Under the block-over-allow model: a permit that wins over deny rules (Windows "allow if secure" with
   * "override block rules"). Ignored under first-match.
   */
  readonly overridesBlock?: boolean;
  /** What else narrows the rule that is not a flow dimension (Windows program or service): shown as evidence. */
  readonly scope?: string;
  /** Accepts unsolicited traffic relayed by NAT traversal (Windows `Edge=TRUE`, Teredo). */
  readonly edgeTraversal?: boolean;
  /**
   * A service of the device itself that this permit lets flows reach, lower-case as the vendor names it (`https`,
   * `ssh`, `telnet`, `ping`, `snmp`: FortiGate `set allowaccess`, ASA `ssh|http|telnet … <nameif>`). Such a rule
   * says where the device's management plane listens; it is no policy on the traffic of the network.
   */
  readonly deviceService?: string;
  readonly origin: Origin;
}

/** Where a filter sits in the device's packet path. */
export type Hook = 'input' | 'forward' | 'output';

export interface FilterAttachment {
  /** input = to the device itself, forward = through it, output = from it. */
  readonly hooks: readonly Hook[];
  /** Filters on one path are consulted in ascending stage; a flow must be permitted by each. */
  readonly stage: number;
  /** Only for flows entering / leaving on this interface (ASA `access-group … in interface outside`). */
  readonly inInterface?: string;
  readonly outInterface?: string;
}

/**
 * How a filter picks the rule that decides:
 * - first-match: rules in order, the first one that matches decides (iptables, ASA, FortiGate);
 * - block-over-allow: no order; a permit with `overridesBlock` beats a deny, a deny beats a permit (Windows Firewall).
 */
export type DecisionModel = 'first-match' | 'block-over-allow';

export interface Filter {
  /** Unique within the device, e.g. `ipv4/filter/FORWARD`. */
  readonly id: string;
  /** What a reviewer calls it: `FORWARD`, `outside_access_in`. */
  readonly name: string;
  readonly model: DecisionModel;
  readonly rules: readonly Rule[];
  /** What happens to flows no rule decides; `return` for filters that are only called (iptables user chains). */
  readonly defaultAction: Decision | 'return';
  /** Where the default is declared (`:INPUT DROP [0:0]`); absent for implicit defaults. */
  readonly defaultOrigin?: Origin;
  /** Absent for filters reachable only through `call`/`goto`. */
  readonly attachment?: FilterAttachment;
  /** The address family the filter applies to; absent = both. */
  readonly family?: Family;
  /** The section header, for anchoring findings about flows that no rule mentions. */
  readonly origin?: Origin;
}

export interface NetworkInterface {
  readonly name: string;
  readonly addresses?: AddressSet;
  /** The vendor's zone or nameif, when it has one. */
  readonly zone?: string;
  readonly securityLevel?: number;
  readonly origin?: Origin;
}

/**
 * Address translation. The device's NAT rules are consulted in their order and the first one whose `match`
 * (the untranslated flow, with its interfaces) fits translates it. Filters see the flow untranslated before
 * `seenFromStage` and translated from that stage on: 0 where every filter names translated addresses (iptables
 * DNAT in PREROUTING, ASA 8.3+ whose ACLs name real addresses), Infinity where filters name the addresses as they
 * arrive (ASA 8.2 and FortiGate VIP policies).
 */
export interface NatRule {
  readonly id: string;
  readonly kind: 'destination' | 'source';
  readonly match: RuleMatch;
  /** Replaces the destination (kind destination) or source address; absent = unchanged. */
  readonly toAddresses?: AddressSet;
  /** Replaces the destination (kind destination) or source port; absent = unchanged. */
  readonly toPorts?: IntervalSet;
  readonly seenFromStage: number;
  readonly enabled: boolean;
  readonly origin: Origin;
}

export interface Diagnostic {
  /** 1-based line; 0 for what concerns the export as a whole (a format that drops information). */
  readonly line: number;
  readonly message: string;
  /** warning: something that may change a verdict was not understood; info: recognized and deliberately ignored. */
  readonly level: 'warning' | 'info';
}

export interface Device {
  readonly name: string;
  readonly vendor: string;
  readonly file: string;
  /** The address families the export covers; flows of another family are not audited against it. */
  readonly families: readonly Family[];
  readonly interfaces: readonly NetworkInterface[];
  readonly filters: ReadonlyMap<string, Filter>;
  readonly nat: readonly NatRule[];
  /**
   * What the device routes where: connected networks (from interface addresses) and static routes, the default
   * route as `0.0.0.0/0` / `::/0`. Lets the audit place role addresses on interfaces when the profile does not.
   */
  readonly routes?: readonly Route[];
  readonly diagnostics: readonly Diagnostic[];
  /** One of several rule sets in one export (a FortiGate VDOM, a Windows Firewall profile). */
  readonly partition?: DevicePartition;
  /** Where the export turns this firewall off: it then permits every flow, whatever its rules say. */
  readonly firewallOff?: Origin;
  /**
   * The export is of a network firewall appliance (Cisco ASA, FortiGate): it forwards between its interfaces by
   * nature and is never an Edge server's own host firewall, whatever rules it holds.
   */
  readonly appliance?: boolean;
}

export interface Route {
  /** The interface name as filters name it (ASA nameif, FortiGate interface or zone member). */
  readonly interface: string;
  readonly destination: AddressSet;
  readonly connected: boolean;
  readonly origin: Origin;
}

export interface DevicePartition {
  readonly kind: 'vdom' | 'firewall-profile';
  readonly name: string;
}

/** Every flow the rule may match: its certain flows and its possible ones (what an index or a breadth test must see). */
export function mayMatch(match: RuleMatch): FlowSet {
  return match.possibleFlows && match.possibleFlows.length > 0 ? [...match.flows, ...match.possibleFlows] : match.flows;
}

export function countRules(device: Device): number {
  let n = 0;
  for (const f of device.filters.values()) n += f.rules.length;
  return n;
}
