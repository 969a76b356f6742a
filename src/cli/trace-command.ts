import { AddressError, AddressSet } from '../model/address-set.js';
import { headerSpace, Ports, protocolNumber, Protocols, PORTED_PROTOCOLS } from '../model/header-space.js';
import type { Device, Filter, Hook, Origin } from '../model/rule-graph.js';
import { byCodePoints } from '../model/order.js';
import { evaluatePath, type Decider, type Jump, type Outcome } from '../engine/evaluate.js';
import { filtersOn } from '../engine/topology.js';
import { findProfile, loadProfile, type LoadedProfile } from '../profile/site-profile.js';
import { buildContext } from '../audit/context.js';
import type { InternetDefinition } from '../audit/internet.js';
import { loadPacks } from '../policy/load-packs.js';
import { withControlsEscaped } from '../reporters/control-chars.js';
import { profileParsing, readDevices, selectDevices } from './input.js';
import { UsageError } from './usage-error.js';

export interface TraceOptions {
  readonly src: string;
  readonly dst: string;
  readonly proto: string;
  readonly sport?: string;
  readonly dport?: string;
  readonly in?: string;
  readonly out?: string;
  readonly chain?: string;
  readonly direction?: 'in' | 'out';
  readonly vdom?: string;
  readonly profileName?: string;
  readonly profile?: string;
  readonly json?: boolean;
  /** The decision the caller asserts (`--expect`): any other, or an uncertain one, fails the run. */
  readonly expect?: 'permit' | 'deny';
}

interface RuleRef {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** The trace contract: the decision for one packet of a new connection, and what made it. */
export interface TraceResult {
  readonly decision: 'permit' | 'deny';
  readonly rule: RuleRef | null;
  readonly default: boolean;
  /** The filter that decided. */
  readonly filter: string | null;
  /**
   * Every filter the packet met, in order, with the rule (or default) that decided there, preceded by the jumps
   * (call, goto) and RETURN rules that led to that decision.
   */
  readonly path: readonly { readonly filter: string; readonly decision: 'permit' | 'deny' | 'jump' | 'return'; readonly rule: RuleRef | null; readonly default: boolean }[];
  /** Rules whose match edge-audit cannot evaluate exactly and that could change this decision. */
  readonly uncertain: readonly { readonly reason: string; readonly rule: RuleRef | null }[];
  /** The address translations applied to the packet (filters after them saw the translated addresses). */
  readonly translations: readonly RuleRef[];
  /** Whether each end is an Internet host as `check` defines the Internet for this export, and if not, why not. */
  readonly internet: { readonly src: InternetAnswer; readonly dst: InternetAnswer };
}

interface InternetAnswer {
  readonly address: string;
  readonly internet: boolean;
  /** The exclusions (README, "The Internet") that hold the address. */
  readonly notBecause: readonly string[];
}

/**
 * The trace, and with --expect whether it holds: `exitCode` 1 and a one-line `failure` when the decision differs
 * or is uncertain (an uncertain decision cannot be asserted), else 0.
 */
export function runTrace(file: string, opts: TraceOptions): { output: string; result: TraceResult; exitCode: number; failure?: string } {
  const { device, profile } = oneDevice(file, opts);
  requireKnownInterfaces(device, opts);
  const packet = packetSpace(opts);
  const family = packet.dst.families()[0]!;
  const path = pathFor(device, opts, family);
  const outcomes = evaluatePath(device, path, [packet], { ...(opts.in ? { in: opts.in } : {}), ...(opts.out ? { out: opts.out } : {}) });
  // A single packet is never split, so exactly one outcome comes back.
  const internet = buildContext(device, profile, loadPacks()).internet;
  const result = { ...describe(outcomes[0]!, path), internet: { src: internetAnswer(internet, packet.src), dst: internetAnswer(internet, packet.dst) } };
  const output = opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatText(withControlsEscaped(result)); // rule text must not drive the terminal
  const failure = opts.expect && unmet(result, opts.expect);
  return { result, output, exitCode: failure ? 1 : 0, ...(failure ? { failure } : {}) };
}

/** Why the trace does not bear out the expected decision, or undefined when it does. */
function unmet(r: TraceResult, expected: 'permit' | 'deny'): string | undefined {
  const by = r.rule ? `${r.rule.file}:${r.rule.line}` : r.default ? `the default policy of ${r.filter ?? 'no filter'}` : 'nothing';
  if (r.uncertain.length > 0) {
    return `expected ${expected}, got ${r.decision}, uncertain (by ${by}): an uncertain decision cannot be asserted (may change if: ${r.uncertain.map((u) => u.reason).join('; ')})`;
  }
  return r.decision === expected ? undefined : `expected ${expected}, got ${r.decision} (by ${by})`;
}

/**
 * A trace follows one rule set: an export with several (VDOMs, firewall profiles) needs the one named, by option or
 * by the site profile's `firewallProfile`. The site profile (given, else found as `check` finds it) also tells the
 * parser what the export cannot, such as what Windows' `LocalSubnet` stands for.
 */
function oneDevice(file: string, opts: TraceOptions): { device: Device; profile: LoadedProfile | undefined } {
  const found = opts.profile ?? findProfile(file, process.cwd());
  const profile = found ? loadProfile(found) : undefined;
  const { options, choice } = profileParsing(profile, opts);
  const devices = selectDevices(file, readDevices(file, options), choice);
  if (devices.length === 1) return { device: devices[0]!, profile };
  const flag = devices[0]!.partition?.kind === 'vdom' ? '--vdom' : '--profile-name';
  throw new UsageError(`${file}: holds ${devices.length} rule sets (${devices.map((d) => d.partition?.name ?? d.name).join(', ')}); choose one with ${flag}`);
}

/**
 * An appliance export (ASA, FortiGate) declares the interfaces traffic can use: a name it does not know is a usage
 * error, not a path with no filter on it (which would answer PERMIT). A host export (iptables, Windows) does not list
 * the host's interfaces, and its rules apply to any of them, so there any name is a real possibility.
 */
function requireKnownInterfaces(device: Device, opts: TraceOptions): void {
  if (!device.appliance) return;
  const known = new Set(device.interfaces.flatMap((i) => (i.zone ? [i.name, i.zone] : [i.name])));
  for (const [flag, name] of [['--in', opts.in], ['--out', opts.out]] as const) {
    if (name !== undefined && !known.has(name)) {
      const names = [...known].sort(byCodePoints).join(', ') || 'none';
      throw new UsageError(`${flag} ${name}: no such interface in ${device.file}${device.partition ? ` (${device.partition.name})` : ''} (known: ${names})`);
    }
  }
}

function packetSpace(opts: TraceOptions) {
  const address = (flag: string, text: string) => {
    try {
      const a = AddressSet.parse(text);
      if (a.v4.size() + a.v6.size() !== 1n) throw new AddressError('not one address');
      return a;
    } catch {
      throw new UsageError(`${flag} must be one IPv4 or IPv6 address (got "${text}")`);
    }
  };
  const src = address('--src', opts.src);
  const dst = address('--dst', opts.dst);
  if (src.families()[0] !== dst.families()[0]) throw new UsageError('--src and --dst must be of the same address family');
  const proto = protocolNumber(opts.proto);
  if (proto === undefined) throw new UsageError(`--proto must be tcp, udp, icmp or a protocol number 0-255 (got "${opts.proto}")`);
  const ported = (PORTED_PROTOCOLS as readonly number[]).includes(proto);
  const port = (flag: string, text: string | undefined) => {
    if (text === undefined) return Ports.any();
    if (!ported) throw new UsageError(`${flag} applies only to tcp, udp, sctp and udplite`);
    if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${flag} must be a port number 0-65535 (got "${text}")`);
    return Ports.range(Number(text));
  };
  if (ported && opts.dport === undefined) throw new UsageError(`--dport is required for ${opts.proto}`);
  const sport = ported ? (opts.sport === undefined ? Ports.range(49152) : port('--sport', opts.sport)) : Ports.any();
  return headerSpace({ src, dst, proto: Protocols.only(proto), sport, dport: port('--dport', opts.dport) });
}

/**
 * --chain evaluates that filter alone; otherwise --direction (a host firewall: in = to the host, out = from it) or
 * the interfaces say whether the packet is to, through or from the device.
 */
function pathFor(device: Device, opts: TraceOptions, family: 'ipv4' | 'ipv6'): Filter[] {
  if (opts.chain) {
    const named = [...device.filters.values()].filter((f) => f.name === opts.chain && f.attachment && (!f.family || f.family === family));
    if (named.length === 0) {
      const names = [...new Set([...device.filters.values()].filter((f) => f.attachment).map((f) => f.name))].join(', ');
      throw new UsageError(`--chain ${opts.chain}: no such ${family === 'ipv4' ? 'IPv4' : 'IPv6'} chain (known: ${names})`);
    }
    return named.sort((a, b) => a.attachment!.stage - b.attachment!.stage);
  }
  const byInterfaces: Hook | undefined = opts.in && opts.out ? 'forward' : opts.in ? 'input' : opts.out ? 'output' : undefined;
  const byDirection: Hook | undefined = opts.direction === 'in' ? 'input' : opts.direction === 'out' ? 'output' : undefined;
  if (byDirection && byInterfaces && byDirection !== byInterfaces) throw new UsageError(`--direction ${opts.direction} contradicts the interfaces given (${byInterfaces === 'forward' ? 'through' : byInterfaces === 'input' ? 'to' : 'from'} the device)`);
  const hook = byDirection ?? byInterfaces;
  if (!hook) throw new UsageError('give --in and/or --out (through the device: both; to it: --in; from it: --out), --direction in|out, or --chain');
  return filtersOn(device, hook, family, opts.in, opts.out);
}

const originRef = (o: Origin): RuleRef => ({ file: o.file, line: o.line, text: o.text });

function ref(d: Decider | undefined): RuleRef | null {
  const o = d?.rule?.origin ?? d?.filter.defaultOrigin;
  return o ? originRef(o) : null;
}

function describe(o: Outcome, path: readonly Filter[]): Omit<TraceResult, 'internet'> {
  // Each filter's decision, preceded by the jumps (iptables -j/-g to a user chain) that led to the deciding rule, or
  // by the goto and RETURN rules that sent the packet back to a built-in chain whose policy then decided.
  const jump = (j: Jump) => ({ filter: j.filter.name, decision: j.rule.action.type === 'return' ? ('return' as const) : ('jump' as const), rule: ref({ ...j, via: [] }), default: false });
  const steps = (d: Decider, decision: 'permit' | 'deny') => [
    ...d.via.map(jump),
    ...(d.returnedBy ?? []).map(jump),
    { filter: d.filter.name, decision, rule: ref(d), default: !d.rule },
  ];
  const path_ = o.permittedBy.flatMap((d) => steps(d, 'permit'));
  if (o.decision === 'deny' && o.decidedBy) path_.push(...steps(o.decidedBy, 'deny'));
  return {
    decision: o.decision,
    rule: o.decidedBy?.rule ? ref(o.decidedBy) : null,
    default: o.decidedBy ? !o.decidedBy.rule : path.length === 0,
    filter: o.decidedBy?.filter.name ?? null,
    path: path_,
    uncertain: o.uncertainty.map((u) => ({ reason: u.reason, rule: u.rule ? originRef(u.rule.origin) : null })),
    translations: o.translations.map((t) => originRef(t.origin)),
  };
}

function internetAnswer(internet: InternetDefinition, address: AddressSet): InternetAnswer {
  const notBecause = internet.excluded.filter((x) => address.isSubsetOf(x.addresses)).map((x) => x.what);
  return { address: address.toString(), internet: notBecause.length === 0, notBecause };
}

function formatText(r: TraceResult): string {
  const nat = r.translations.map((t) => `  translated by ${t.file}:${t.line}: ${t.text}`);
  const lines = r.path.map((s) => `  ${s.filter}: ${s.decision}${s.decision === 'jump' || s.decision === 'return' ? '' : ` by ${s.default ? 'default policy' : 'rule'}`}${s.rule ? ` (${s.rule.file}:${s.rule.line}: ${s.rule.text})` : ''}`);
  if (r.path.length === 0) lines.push('  no filter on this path: the packet is not filtered');
  const head = `${r.decision.toUpperCase()}${r.uncertain.length ? ' (uncertain)' : ''}`;
  const unsure = r.uncertain.map((u) => `  may change if: ${u.reason}`);
  const ends = (['src', 'dst'] as const).map((k) => {
    const a = r.internet[k];
    return `  ${k === 'src' ? 'source' : 'destination'} ${a.address}: ${a.internet ? 'an Internet host' : `not the Internet (${a.notBecause.join('; ')})`}`;
  });
  return `${[head, ...nat, ...lines, ...unsure, ...ends].join('\n')}\n`;
}
