/**
 * `netsh advfirewall firewall show rule name=all [verbose]`, as Windows prints it in English: one block per rule,
 * a `Rule Name:` line, a line of 70 dashes, then `Key: value` lines (values aligned in a column) up to a blank line;
 * the output ends with `Ok.`. An ICMP rule lists its types under `Protocol:` on indented lines (`Type    Code`,
 * then `8       Any`). `verbose` adds Description, Program, Service, InterfaceTypes, Security and Rule source.
 * netsh prints the keys in the language of the system: only English is read, any other is refused.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import { withoutAny } from './powershell.js';
import { WINDOWS_PROFILES, type WindowsFormatReader, type WindowsPolicy, type WindowsProfileName, type WindowsRule } from './model.js';
import { keywords } from '../../src/model/keywords.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const FORMAT = 'netsh advfirewall firewall show rule';
const DASHES = /^-{70}$/;
const KEY_VALUE = /^([^\s:][^:]*?)\s*:\s*(.*)$/;
const NO_RULES = 'No rules match the specified criteria.';
/** How far into the output detect looks for the first rule block. */
const DETECT_LINES = 40;

const ACTIONS = keywords<WindowsRule['action']>({ allow: 'allow', block: 'block', bypass: 'allow-bypass' });
const DIRECTIONS = keywords<WindowsRule['direction']>({ in: 'in', out: 'out' });
const YES_NO = keywords<boolean>({ yes: true, no: false });
/** `Edge traversal:` values: anything but No lets unsolicited traffic through NAT traversal, at least sometimes. */
const EDGE_TRAVERSAL = keywords<boolean>({ no: false, yes: true, 'defer to application': true, 'defer to user': true });
/** Keys that describe the rule or where it came from without changing what it matches. */
const DESCRIPTIVE_KEYS: ReadonlySet<string> = new Set(['Grouping', 'Rule source']);

export const netshReader: WindowsFormatReader = {
  format: FORMAT,

  /** A line of 70 dashes under a `Key: value` line (a rule block in any language), or netsh's "no rules" answer. */
  detect({ text }: ExportFile): boolean {
    const lines = text.split('\n', DETECT_LINES).map((l) => l.replace(/\r$/, ''));
    const first = lines.find((l) => l.trim() !== '');
    return first?.trim() === NO_RULES || lines.some((l, k) => k > 0 && DASHES.test(l) && KEY_VALUE.test(lines[k - 1]!));
  },

  read({ text, file }: ExportFile): WindowsPolicy {
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    const blocks = ruleBlocks(lines, file);
    if (blocks.length === 0) throw new ParseError(file, undefined, `netsh listed no rules ("${NO_RULES}"): nothing to audit`);
    const rules = blocks.map((b) => blockRule(b, file));
    const verbose = blocks.some((b) => b.fields.has('Security') || b.fields.has('Rule source'));
    return {
      format: verbose ? `${FORMAT} verbose` : FORMAT,
      rules,
      profiles: {},
      formatNotes: [
        "netsh's rule list does not hold the profile settings: Windows' defaults are assumed (firewall on, inbound Block, outbound Allow); `netsh advfirewall show allprofiles` shows what the host has",
        ...(verbose ? [] : ["without `verbose`, netsh omits each rule's program, service, interface types and IPsec requirement (Security): a rule that needs IPsec is read as applying to every connection"]),
      ],
      diagnostics: [],
    };
  },
};

/** One rule block: its `Key: value` fields (continuation lines appended to the key above them), where it starts. */
interface RuleBlock {
  readonly name: string;
  readonly line: number;
  readonly text: string;
  readonly fields: Map<string, { value: string; more: string[]; line: number }>;
}

function ruleBlocks(lines: readonly string[], file: string): RuleBlock[] {
  const blocks: RuleBlock[] = [];
  let k = 0;
  while (k < lines.length) {
    const line = lines[k]!;
    if (line.trim() === '' || line.trim() === 'Ok.' || line.trim() === NO_RULES) {
      k++;
      continue;
    }
    const head = KEY_VALUE.exec(line);
    if (!head || !DASHES.test(lines[k + 1] ?? '')) throw new ParseError(file, k + 1, `expected a rule block ("Rule Name:" and a line of dashes), found "${line.trim()}"`);
    if (head[1] !== 'Rule Name') {
      throw new ParseError(
        file,
        k + 1,
        `netsh printed "${head[1]}" where English output has "Rule Name": only English netsh output is read; run it in an English console (chcp 437 before netsh) or export the rules as CSV (see the README)`,
      );
    }
    const start = k;
    const fields: RuleBlock['fields'] = new Map();
    let last: { value: string; more: string[]; line: number } | undefined;
    // A block ends at a blank line, or at the "Ok." netsh prints right after the last one.
    for (k += 2; k < lines.length && lines[k]!.trim() !== '' && lines[k]!.trim() !== 'Ok.'; k++) {
      const l = lines[k]!;
      const kv = /^\s/.test(l) ? null : KEY_VALUE.exec(l);
      if (kv) {
        last = { value: kv[2]!.trim(), more: [], line: k + 1 };
        fields.set(kv[1]!, last);
      } else if (last && /^\s/.test(l)) {
        last.more.push(l.trim());
      } else {
        throw new ParseError(file, k + 1, `expected "Key: value" in the rule block, found "${l.trim()}"`);
      }
    }
    blocks.push({ name: head[2]!.trim(), line: start + 1, text: lines.slice(start, k).join('\n'), fields });
  }
  return blocks;
}

function blockRule(block: RuleBlock, file: string): WindowsRule {
  const field = (key: string) => block.fields.get(key);
  const value = (key: string) => field(key)?.value;
  const required = <T>(key: string, values: ReadonlyMap<string, T>): T => {
    const v = value(key);
    const known = v === undefined ? undefined : values.get(v.toLowerCase());
    if (known === undefined) throw new ParseError(file, field(key)?.line ?? block.line, v === undefined ? `rule "${block.name}" has no ${key}` : `${key}: unknown value "${v}"`);
    return known;
  };
  const list = (key: string) =>
    withoutAny(
      (value(key) ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    );

  const profiles: WindowsProfileName[] = list('Profiles').map((p) => {
    const known = WINDOWS_PROFILES.find((w) => w.toLowerCase() === p.toLowerCase());
    if (!known) throw new ParseError(file, field('Profiles')!.line, `Profiles: unknown profile "${p}"`);
    return known;
  });
  const security = value('Security');
  const rule: Mutable<WindowsRule> = {
    id: block.name,
    displayName: block.name,
    action: required('Action', ACTIONS),
    direction: required('Direction', DIRECTIONS),
    enabled: required('Enabled', YES_NO),
    profiles: profiles.length === WINDOWS_PROFILES.length ? [] : profiles,
    localPorts: list('LocalPort'),
    remotePorts: list('RemotePort'),
    localAddresses: list('LocalIP'),
    remoteAddresses: list('RemoteIP'),
    icmpTypes: icmpTypes(field('Protocol'), file),
    interfaces: list('InterfaceTypes'),
    edgeTraversal: field('Edge traversal') ? required('Edge traversal', EDGE_TRAVERSAL) : false,
    conditions: security && !/^notrequired$/i.test(security) ? [`allows only IPsec-secured connections (Security: ${security}): whether a peer authenticates is not in the export`] : [],
    unknownKeys: [...block.fields.keys()].filter((k) => !READ_KEYS.has(k) && !DESCRIPTIVE_KEYS.has(k)),
    source: { line: block.line, text: block.text },
  };
  for (const [key, target] of [
    ['Description', 'description'],
    ['Protocol', 'protocol'],
    ['Program', 'program'],
    ['Service', 'service'],
  ] as const) {
    const v = value(key);
    if (v && !/^any$/i.test(v)) rule[target] = v;
  }
  return rule;
}

const READ_KEYS: ReadonlySet<string> = new Set([
  'Description',
  'Enabled',
  'Direction',
  'Profiles',
  'LocalIP',
  'RemoteIP',
  'Protocol',
  'LocalPort',
  'RemotePort',
  'Edge traversal',
  'Program',
  'Service',
  'InterfaceTypes',
  'Security',
  'Action',
]);

/** The `Type    Code` table under an ICMP protocol: `8       Any` → `8:*`, `Any     Any` → Any. */
function icmpTypes(protocol: { more: string[]; line: number } | undefined, file: string): string[] {
  if (!protocol || protocol.more.length === 0) return [];
  const [header, ...rows] = protocol.more;
  if (!/^Type\s+Code$/i.test(header!)) throw new ParseError(file, protocol.line + 1, `expected the ICMP "Type    Code" table under Protocol, found "${header}"`);
  return rows.map((row, k) => {
    const m = /^(\S+)\s+(\S+)$/.exec(row);
    if (!m) throw new ParseError(file, protocol.line + 2 + k, `expected an ICMP type and code, found "${row}"`);
    const [type, code] = [m[1]!, m[2]!];
    if (/^any$/i.test(type)) return 'Any';
    return `${type}:${/^any$/i.test(code) ? '*' : code}`;
  });
}
