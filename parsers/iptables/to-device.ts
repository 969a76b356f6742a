/**
 * The iptables vendor model (table blocks of chains of rules) → the vendor-independent Device.
 *
 * - filter, mangle and raw: one Filter per chain, id `${family}/${table}/${chain}`; built-in chains are
 *   attached to the packet path at the stage of their netfilter hook, user chains only through jumps.
 * - nat: not filters; the translating rules become `device.nat`.
 * - security: ignored (SELinux labels decide nothing here), with an info diagnostic.
 */
import { basename, extname } from 'node:path';
import type { Family } from '../../src/model/address-set.js';
import type {
  Decision,
  Device,
  Diagnostic,
  Filter,
  FilterAttachment,
  NatRule,
  NetworkInterface,
  Origin,
  Rule,
} from '../../src/model/rule-graph.js';
import { ParseError } from '../parse-error.js';
import { checkJumps } from './jump-loops.js';
import { convertMatch, expandWildcards, familyContext, MatchError, type ConvertedMatch, type FamilyContext } from './match-flows.js';
import { natRule } from './nat.js';
import { parseRuleOptions, RuleSyntaxError, type IptablesRule } from './rule-options.js';
import { ruleWords, SaveFileError, type RuleLine, type SaveFile, type TableBlock } from './save-file.js';
import {
  CONTINUE_TARGETS,
  convertTarget,
  resolveJump,
  TargetError,
  targetText,
  type TargetContext,
} from './targets.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Targets that mean nothing for translation when they appear in *nat. */
const VERDICTS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'QUEUE', 'NFQUEUE']);

/**
 * Where each built-in chain of the filtering tables sits (netfilter hook order: raw, mangle, filter); destination
 * NAT comes between the PREROUTING/OUTPUT chains and the rest (DNAT_STAGE in nat.ts).
 */
const ATTACHMENTS: Readonly<Record<string, Readonly<Record<string, FilterAttachment>>>> = {
  raw: {
    PREROUTING: { hooks: ['input', 'forward'], stage: 5 },
    OUTPUT: { hooks: ['output'], stage: 5 },
  },
  mangle: {
    PREROUTING: { hooks: ['input', 'forward'], stage: 10 },
    OUTPUT: { hooks: ['output'], stage: 10 },
    INPUT: { hooks: ['input'], stage: 15 },
    FORWARD: { hooks: ['forward'], stage: 15 },
    POSTROUTING: { hooks: ['forward', 'output'], stage: 30 },
  },
  filter: {
    INPUT: { hooks: ['input'], stage: 20 },
    FORWARD: { hooks: ['forward'], stage: 20 },
    OUTPUT: { hooks: ['output'], stage: 20 },
  },
};

export function toDevice(save: SaveFile, file: string): Device {
  const filters = new Map<string, Filter>();
  const nat: NatRule[] = [];
  const diagnostics: Diagnostic[] = [];
  const interfaceNames = new Set<string>();
  const families: Family[] = [];

  for (const block of save.blocks) {
    if (!families.includes(block.family)) families.push(block.family);
    if (block.table === 'security') {
      diagnostics.push({
        line: block.line,
        level: 'info',
        message: `*security (${block.family}) is ignored: it only sets SELinux labels; its ${block.rules.length} rule(s) were not read`,
      });
      continue;
    }
    const converter = new BlockConverter(block, file, diagnostics, interfaceNames);
    if (block.table === 'nat') converter.nat(nat);
    else {
      const blockFilters = converter.filters();
      checkJumps(blockFilters, file, diagnostics);
      for (const f of blockFilters) filters.set(f.id, f);
    }
  }

  diagnostics.sort((a, b) => a.line - b.line);
  const known = [...interfaceNames].sort();
  const interfaces: NetworkInterface[] = known.map((name) => ({ name }));
  for (const [id, f] of filters) filters.set(id, { ...f, rules: f.rules.map((r) => expandWildcards(r, known)) });
  return {
    name: basename(file, extname(file)),
    vendor: 'iptables',
    file,
    families,
    interfaces,
    filters,
    nat: nat.map((r) => expandWildcards(r, known)),
    diagnostics,
  };
}

class BlockConverter {
  private readonly prefix: string;
  private readonly ctx: FamilyContext;

  constructor(
    private readonly block: TableBlock,
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
    private readonly interfaceNames: Set<string>,
  ) {
    this.prefix = `${block.family}/${block.table}`;
    this.ctx = familyContext(block.family);
  }

  filters(): Filter[] {
    const { block } = this;
    const byChain = new Map<string, RuleLine[]>();
    for (const decl of block.chains.keys()) byChain.set(decl, []);
    for (const r of block.rules) byChain.get(r.chain)!.push(r);

    const targetContext: TargetContext = { tablePrefix: this.prefix, table: block.table, chains: block.chains };
    const out: Filter[] = [];
    for (const decl of block.chains.values()) {
      const origin = this.origin(decl);
      let policy: Decision | undefined;
      if (decl.builtin) {
        if (decl.policy === undefined) {
          this.diagnostics.push({
            line: decl.line,
            level: 'warning',
            message: `built-in chain ${decl.name} of *${block.table} keeps the policy it had ("-"); assuming ACCEPT, the kernel's default`,
          });
        }
        policy = decl.policy === 'DROP' ? 'deny' : 'permit';
      }
      // One flat prefix per chain, so each rule id is one short string on top of it.
      const idPrefix = `${this.prefix}/${decl.name}/`;
      const lines = byChain.get(decl.name)!;
      const rules: Rule[] = new Array(lines.length);
      for (let k = 0; k < lines.length; k++) rules[k] = this.rule(lines[k]!, idPrefix + (k + 1), targetContext);
      const filter: Mutable<Filter> = {
        id: `${this.prefix}/${decl.name}`,
        name: decl.name,
        model: 'first-match',
        rules,
        defaultAction: policy ?? 'return',
        family: block.family,
        origin,
      };
      if (decl.builtin) filter.defaultOrigin = origin;
      const attachment = decl.builtin ? ATTACHMENTS[block.table]?.[decl.name] : undefined;
      if (attachment) filter.attachment = attachment;
      out.push(filter);
    }
    return out;
  }

  nat(out: NatRule[]): void {
    const counters = new Map<string, number>();
    for (const line of this.block.rules) {
      const n = (counters.get(line.chain) ?? 0) + 1;
      counters.set(line.chain, n);
      const id = `${this.prefix}/${line.chain}/${n}`;
      const rule = this.options(line);
      const converted = this.match(rule, line);
      const target = rule.target;
      if (!target) continue;
      let kind: 'chain' | 'target';
      try {
        kind = resolveJump(target, this.block.chains);
      } catch (e) {
        throw this.error(e, line);
      }
      if (kind === 'chain') continue;
      const origin = this.origin(line);
      let translated: NatRule | undefined;
      try {
        translated = natRule(id, target, line.chain, converted.match, this.block.family, origin);
      } catch (e) {
        throw this.error(e, line);
      }
      if (!translated) {
        if (!CONTINUE_TARGETS.has(target.name) && !VERDICTS.has(target.name)) {
          this.diagnostics.push({ line: line.line, level: 'warning', message: `${id}: target "${targetText(target)}" in *nat is not modelled` });
        }
        continue;
      }
      if (converted.otherFamilyOnly) {
        this.diagnostics.push({ line: line.line, level: 'info', message: `${id}: ${skippedReason(converted.otherFamilyOnly)}` });
        continue;
      }
      // NatRule cannot carry uncertainty, so it is reported here.
      for (const reason of converted.uncertain) {
        this.diagnostics.push({ line: line.line, level: 'warning', message: `${id}: ${reason}` });
      }
      if (!translated.enabled) {
        this.diagnostics.push({ line: line.line, level: 'warning', message: `${id}: address translation in user chain ${line.chain} is not applied when evaluating` });
      }
      this.noteInterfaces(converted);
      out.push(translated);
    }
  }

  private rule(line: RuleLine, id: string, targetContext: TargetContext): Rule {
    const parsed = this.options(line);
    const converted = this.match(parsed, line);
    let target;
    try {
      target = convertTarget(parsed.target, targetContext);
    } catch (e) {
      throw this.error(e, line);
    }
    let uncertain = converted.uncertain;
    if (target.uncertain) uncertain = [...uncertain, target.uncertain];
    const enabled = converted.otherFamilyOnly === undefined;
    if (!enabled) {
      this.diagnostics.push({ line: line.line, level: 'info', message: `${id}: ${skippedReason(converted.otherFamilyOnly!)}` });
    } else if (uncertain.length > 0) {
      // A rule that only logs or marks cannot change a verdict, whatever it matches.
      const level = target.action.type === 'continue' && !target.unknown ? 'info' : 'warning';
      for (const reason of uncertain) this.diagnostics.push({ line: line.line, level, message: `${id}: ${reason}` });
    }
    this.noteInterfaces(converted);
    const rule: Rule = {
      id,
      action: target.action,
      match: converted.match,
      enabled,
      uncertain,
      // Always present (maybe undefined): one object shape for every rule.
      comment: converted.comment,
      origin: this.origin(line),
    };
    return rule;
  }

  private options(line: RuleLine): IptablesRule {
    try {
      const { words, quoted } = ruleWords(line);
      return parseRuleOptions(words, quoted);
    } catch (e) {
      if (e instanceof SaveFileError) throw new ParseError(this.file, e.line, e.message);
      throw this.error(e, line);
    }
  }

  private match(rule: IptablesRule, line: RuleLine): ConvertedMatch {
    try {
      return convertMatch(rule, this.ctx);
    } catch (e) {
      throw this.error(e, line);
    }
  }

  private noteInterfaces(converted: ConvertedMatch): void {
    // Wildcards (`eth+`) name a pattern, not an interface: they carry no names before expansion.
    const { inInterface, outInterface } = converted.match;
    for (const m of [inInterface, outInterface]) for (const name of m?.names ?? []) this.interfaceNames.add(name);
  }

  private origin(line: { line: number; text: string }): Origin {
    return { file: this.file, line: line.line, text: line.text };
  }

  private error(e: unknown, line: RuleLine): unknown {
    if (e instanceof RuleSyntaxError || e instanceof MatchError || e instanceof TargetError) {
      return new ParseError(this.file, line.line, `${e.message} in -A ${line.chain} of *${this.block.table}`);
    }
    return e;
  }
}

function skippedReason(version: 4 | 6): string {
  return version === 4
    ? 'rule is for IPv4 only (-4); ip6tables-restore skips it, so it is kept disabled'
    : 'rule is for IPv6 only (-6); iptables-restore skips it, so it is kept disabled';
}
