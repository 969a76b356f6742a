/**
 * One rule's words (after `-A CHAIN`) → a typed iptables rule: the generic options, the match modules
 * with their options, and the target with its options. Only grammar here: which word belongs to which
 * option. What the options mean for the flows is `match-flows.ts`.
 *
 * iptables-save prints `-s -d -i -o -p -f`, then each `-m module` followed by its options, then
 * `-j TARGET` followed by the target's options; negation is a separate `!` before the option
 * (`! -s 10.0.0.0/8`, `-m tcp ! --dport 22`). Hand-written restore files may also use long option names,
 * the old `--dport ! 22` negation, and protocol options without `-m` (`-p tcp --dport 22`); those are read
 * the way iptables reads them.
 */

import { keywords } from '../../src/model/keywords.js';

export interface Negatable {
  readonly value: string;
  readonly negated: boolean;
}

export interface ModuleOption {
  /** With its dashes: `--dport`. */
  readonly name: string;
  readonly args: readonly string[];
  readonly negated: boolean;
}

export interface MatchModule {
  readonly name: string;
  readonly options: ModuleOption[];
  /** Loaded implicitly by a protocol option without `-m` (`-p tcp --dport 22`). */
  readonly implicit: boolean;
}

export interface TargetSpec {
  readonly name: string;
  /** `-g` rather than `-j`. */
  readonly goto: boolean;
  readonly options: ModuleOption[];
}

export interface IptablesRule {
  readonly source?: Negatable;
  readonly destination?: Negatable;
  readonly protocol?: Negatable;
  readonly inInterface?: Negatable;
  readonly outInterface?: Negatable;
  /** `-f` / `! -f`. */
  readonly fragment?: { readonly negated: boolean };
  /** `-4` / `-6`: the rule is only for that family (iptables-restore skips it in the other). */
  readonly ipVersion?: 4 | 6;
  readonly matches: readonly MatchModule[];
  readonly target?: TargetSpec;
  /** Options that belong to no module (no `-m` before them and not a protocol option). */
  readonly strayOptions: readonly ModuleOption[];
}

export class RuleSyntaxError extends Error {}

/**
 * How many values each option of the known modules and targets takes. Options not listed here take
 * the words up to the next option (which is right for every module printed by iptables-save, as long as
 * no value starts with `-`; quoted values never count as options).
 */
const ARITY: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  Object.entries({
    tcp: { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1, 'tcp-flags': 2, syn: 0, 'tcp-option': 1 },
    udp: { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1 },
    sctp: { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1, 'chunk-types': 2 },
    dccp: { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1, 'dccp-types': 1, 'dccp-option': 1 },
    icmp: { 'icmp-type': 1 },
    icmp6: { 'icmpv6-type': 1 },
    multiport: { sports: 1, 'source-ports': 1, dports: 1, 'destination-ports': 1, ports: 1 },
    iprange: { 'src-range': 1, 'dst-range': 1 },
    conntrack: {
      ctstate: 1, ctproto: 1, ctorigsrc: 1, ctorigdst: 1, ctreplsrc: 1, ctrepldst: 1, ctorigsrcport: 1,
      ctorigdstport: 1, ctreplsrcport: 1, ctrepldstport: 1, ctstatus: 1, ctexpire: 1, ctdir: 1,
    },
    state: { state: 1 },
    comment: { comment: 1 },
    set: {
      'match-set': 2, 'return-nomatch': 0, 'update-counters': 0, 'update-subcounters': 0, 'packets-eq': 1,
      'packets-lt': 1, 'packets-gt': 1, 'bytes-eq': 1, 'bytes-lt': 1, 'bytes-gt': 1,
    },
    limit: { limit: 1, 'limit-burst': 1 },
    recent: {
      name: 1, set: 0, rcheck: 0, update: 0, remove: 0, seconds: 1, reap: 0, hitcount: 1, rttl: 0,
      rsource: 0, rdest: 0, mask: 1,
    },
    string: { string: 1, 'hex-string': 1, algo: 1, from: 1, to: 1, icase: 0 },
    u32: { u32: 1 },
    mac: { 'mac-source': 1 },
    mark: { mark: 1 },
    connmark: { mark: 1 },
    addrtype: { 'src-type': 1, 'dst-type': 1, 'limit-iface-in': 0, 'limit-iface-out': 0 },
    physdev: { 'physdev-in': 1, 'physdev-out': 1, 'physdev-is-in': 0, 'physdev-is-out': 0, 'physdev-is-bridged': 0 },
    owner: { 'uid-owner': 1, 'gid-owner': 1, 'socket-exists': 0, 'suppl-groups': 0 },
    time: {
      timestart: 1, timestop: 1, datestart: 1, datestop: 1, weekdays: 1, monthdays: 1, utc: 0, localtz: 0,
      kerneltz: 0, contiguous: 0,
    },
    length: { length: 1 },
    ttl: { 'ttl-eq': 1, 'ttl-gt': 1, 'ttl-lt': 1 },
    hl: { 'hl-eq': 1, 'hl-gt': 1, 'hl-lt': 1 },
    pkttype: { 'pkt-type': 1 },
    connlimit: { 'connlimit-upto': 1, 'connlimit-above': 1, 'connlimit-mask': 1, 'connlimit-saddr': 0, 'connlimit-daddr': 0 },
    // Targets.
    LOG: {
      'log-level': 1, 'log-prefix': 1, 'log-tcp-sequence': 0, 'log-tcp-options': 0, 'log-ip-options': 0,
      'log-uid': 0, 'log-macdecode': 0,
    },
    NFLOG: { 'nflog-group': 1, 'nflog-prefix': 1, 'nflog-range': 1, 'nflog-size': 1, 'nflog-threshold': 1 },
    ULOG: { 'ulog-nlgroup': 1, 'ulog-prefix': 1, 'ulog-cprange': 1, 'ulog-qthreshold': 1 },
    REJECT: { 'reject-with': 1 },
    DNAT: { 'to-destination': 1, random: 0, persistent: 0 },
    SNAT: { 'to-source': 1, random: 0, 'random-fully': 0, persistent: 0 },
    MASQUERADE: { 'to-ports': 1, random: 0, 'random-fully': 0 },
    REDIRECT: { 'to-ports': 1, random: 0 },
    NETMAP: { to: 1 },
    NFQUEUE: { 'queue-num': 1, 'queue-balance': 1, 'queue-bypass': 0, 'fail-open': 0, 'queue-cpu-fanout': 0 },
    MARK: { 'set-xmark': 1, 'set-mark': 1, 'and-mark': 1, 'or-mark': 1, 'xor-mark': 1 },
    CONNMARK: {
      'set-xmark': 1, 'set-mark': 1, 'save-mark': 0, 'restore-mark': 0, nfmask: 1, ctmask: 1, mask: 1,
      'and-mark': 1, 'or-mark': 1, 'xor-mark': 1,
    },
    CT: { notrack: 0, helper: 1, ctevents: 1, expevents: 1, zone: 1, 'zone-orig': 1, 'zone-reply': 1, timeout: 1 },
    TCPMSS: { 'set-mss': 1, 'clamp-mss-to-pmtu': 0 },
    SET: { 'add-set': 2, 'del-set': 2, 'map-set': 2, timeout: 1, exist: 0 },
  }).map(([module, options]) => [module, new Map(Object.entries(options).map(([o, n]) => [`--${o}`, n]))]),
);

/** The protocol match iptables loads for `-p NAME` options given without `-m`. */
const PROTOCOL_MODULE = keywords<string>({
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  sctp: 'sctp',
  '132': 'sctp',
  dccp: 'dccp',
  '33': 'dccp',
  icmp: 'icmp',
  '1': 'icmp',
  'ipv6-icmp': 'icmp6',
  icmpv6: 'icmp6',
  icmp6: 'icmp6',
  '58': 'icmp6',
});

/** The generic options, by every spelling iptables accepts, under their short name. */
type Generic = '-s' | '-d' | '-p' | '-i' | '-o' | '-m' | '-j' | '-g' | '-f' | '-4' | '-6' | '-c';
const GENERIC: ReadonlyMap<string, Generic> = new Map([
  ['-s', '-s'],
  ['--source', '-s'],
  ['--src', '-s'],
  ['-d', '-d'],
  ['--destination', '-d'],
  ['--dst', '-d'],
  ['-p', '-p'],
  ['--protocol', '-p'],
  ['-i', '-i'],
  ['--in-interface', '-i'],
  ['-o', '-o'],
  ['--out-interface', '-o'],
  ['-m', '-m'],
  ['--match', '-m'],
  ['-j', '-j'],
  ['--jump', '-j'],
  ['-g', '-g'],
  ['--goto', '-g'],
  ['-f', '-f'],
  ['--fragment', '-f'],
  ['-4', '-4'],
  ['--ipv4', '-4'],
  ['-6', '-6'],
  ['--ipv6', '-6'],
  ['-c', '-c'],
  ['--set-counters', '-c'],
]);
/** The one-letter spellings by their letter's code: most option words then need no string hashing. */
const SHORT_GENERIC: readonly (Generic | undefined)[] = Array.from({ length: 128 }, (_, c) => GENERIC.get(`-${String.fromCharCode(c)}`));

function genericOf(word: string): Generic | undefined {
  return word.length === 2 ? SHORT_GENERIC[word.charCodeAt(1)] : GENERIC.get(word);
}

interface Context {
  readonly options: ModuleOption[];
  readonly isTarget: boolean;
  /** The option arities of a known module or target; undefined for unknown ones. */
  readonly arity: ReadonlyMap<string, number> | undefined;
}

export function parseRuleOptions(words: readonly string[], quoted?: ReadonlySet<number>): IptablesRule {
  return new RuleReader(words, quoted).read();
}

/** One pass over a rule's words; one instance per rule. */
class RuleReader {
  private i = 0;
  private negated = false;
  private source: Negatable | undefined;
  private destination: Negatable | undefined;
  private protocol: Negatable | undefined;
  private inInterface: Negatable | undefined;
  private outInterface: Negatable | undefined;
  private fragment: { negated: boolean } | undefined;
  private ipVersion: 4 | 6 | undefined;
  private readonly matches: MatchModule[] = [];
  private target: TargetSpec | undefined;
  private readonly strayOptions: ModuleOption[] = [];
  /** Where options without a generic meaning go: the last `-m` module or the target. */
  private context: Context | undefined;

  constructor(
    private readonly words: readonly string[],
    private readonly quoted: ReadonlySet<number> | undefined,
  ) {}

  read(): IptablesRule {
    const { words } = this;
    const n = words.length;
    while (this.i < n) {
      const word = words[this.i]!;
      if (this.isBang(this.i)) {
        if (this.negated) throw new RuleSyntaxError('"!" twice in a row');
        this.negated = true;
        this.i++;
        continue;
      }
      if (this.quoted?.has(this.i) || word.charCodeAt(0) !== 0x2d || word.length < 2) {
        throw new RuleSyntaxError(`unexpected argument "${word}"`);
      }
      this.i++;
      const generic = genericOf(word);
      if (generic) this.genericOption(generic, word);
      else this.moduleOption(word);
    }
    if (this.negated) throw new RuleSyntaxError('"!" at the end of the rule');
    // Absent options stay undefined rather than missing: cheaper than spreading, same to every reader.
    return {
      source: this.source,
      destination: this.destination,
      protocol: this.protocol,
      inInterface: this.inInterface,
      outInterface: this.outInterface,
      fragment: this.fragment,
      ipVersion: this.ipVersion,
      matches: this.matches,
      target: this.target,
      strayOptions: this.strayOptions,
    };
  }

  private genericOption(short: Generic, word: string): void {
    switch (short) {
      case '-s':
        this.source = this.once(this.source, this.negatable(word), short);
        break;
      case '-d':
        this.destination = this.once(this.destination, this.negatable(word), short);
        break;
      case '-p':
        this.protocol = this.once(this.protocol, this.negatable(word), short);
        break;
      case '-i':
        this.inInterface = this.once(this.inInterface, this.negatable(word), short);
        break;
      case '-o':
        this.outInterface = this.once(this.outInterface, this.negatable(word), short);
        break;
      case '-m': {
        if (this.negated) throw new RuleSyntaxError(`"!" before ${word}`);
        const name = this.value(word);
        const module: MatchModule = { name, options: [], implicit: false };
        this.matches.push(module);
        this.context = { options: module.options, isTarget: false, arity: ARITY.get(name) };
        break;
      }
      case '-j':
      case '-g': {
        if (this.negated) throw new RuleSyntaxError(`"!" before ${word}`);
        if (this.target) throw new RuleSyntaxError(`a second target (${word}) after -${this.target.goto ? 'g' : 'j'} ${this.target.name}`);
        const name = this.value(word);
        this.target = { name, goto: short === '-g', options: [] };
        this.context = { options: this.target.options, isTarget: true, arity: ARITY.get(name) };
        break;
      }
      case '-f':
        if (this.fragment) throw new RuleSyntaxError('-f given twice');
        this.fragment = { negated: this.negated };
        this.negated = false;
        break;
      case '-4':
      case '-6': {
        if (this.negated) throw new RuleSyntaxError(`"!" before ${word}`);
        const v = short === '-4' ? 4 : 6;
        if (this.ipVersion !== undefined && this.ipVersion !== v) throw new RuleSyntaxError('both -4 and -6');
        this.ipVersion = v;
        break;
      }
      case '-c':
        // iptables-restore's other way of giving counters: `-c PKTS BYTES`.
        this.value(word);
        this.value(word);
        break;
    }
  }

  /** The value of `-s`, `-p`, … with its negation, written before the option or (old style) after it. */
  private negatable(word: string): Negatable {
    this.innerBang();
    const given: Negatable = { value: this.value(word), negated: this.negated };
    this.negated = false;
    return given;
  }

  private once(current: Negatable | undefined, given: Negatable, short: string): Negatable {
    if (current) throw new RuleSyntaxError(`${short} given twice`);
    return given;
  }

  /** A module or target option. */
  private moduleOption(word: string): void {
    let owner = this.context;
    let arity = owner?.arity?.get(word);
    if (arity === undefined && !owner?.isTarget) {
      // iptables lets the protocol's match claim its options without `-m` (`-p tcp --dport 22`),
      // and also after another known module (`-p tcp -m multiport --dports 80 --sport 1024:`).
      const p = this.protocol;
      const proto = p && !p.negated ? PROTOCOL_MODULE.get(p.value.toLowerCase()) : undefined;
      const protoArity = proto ? ARITY.get(proto)?.get(word) : undefined;
      if (proto && protoArity !== undefined && (!owner || owner.arity)) {
        let module = this.matches.find((m) => m.name === proto);
        if (!module) {
          module = { name: proto, options: [], implicit: true };
          this.matches.push(module);
        }
        owner = { options: module.options, isTarget: false, arity: ARITY.get(proto) };
        arity = protoArity;
      }
    }
    this.innerBang();
    const args: string[] = [];
    if (arity !== undefined) {
      for (let k = 0; k < arity; k++) args.push(this.value(word));
    } else {
      // Unknown option: its values are the words up to the next option or `!`.
      const n = this.words.length;
      while (this.i < n && !this.isBang(this.i) && !this.isOption(this.i)) args.push(this.words[this.i++]!);
    }
    const option: ModuleOption = { name: word, args, negated: this.negated };
    this.negated = false;
    if (owner) owner.options.push(option);
    else this.strayOptions.push(option);
  }

  private isOption(k: number): boolean {
    const w = this.words[k];
    return w !== undefined && w.charCodeAt(0) === 0x2d && w.length > 1 && !this.quoted?.has(k);
  }

  private isBang(k: number): boolean {
    return this.words[k] === '!' && !this.quoted?.has(k);
  }

  private value(option: string): string {
    const v = this.words[this.i];
    if (v === undefined) throw new RuleSyntaxError(`${option} needs a value`);
    this.i++;
    return v;
  }

  /** Old iptables wrote the negation after the option name: `--dport ! 22`, `-s ! 10.0.0.0/8`. */
  private innerBang(): void {
    if (this.isBang(this.i)) {
      if (this.negated) throw new RuleSyntaxError('double negation');
      this.negated = true;
      this.i++;
    }
  }
}
