/**
 * PowerShell exports of the firewall rules: CSV (`Export-Csv`, `,` or `;` separated, header row) and JSON
 * (`ConvertTo-Json`), as written by the scripts that join `Get-NetFirewallRule` with the filter cmdlets
 * (`Get-NetFirewallPortFilter`, `…AddressFilter`, `…ApplicationFilter`, `…ServiceFilter`, `…SecurityFilter`),
 * and by the command the README gives (which adds the profile settings as rows with `Kind` = `Profile`).
 *
 * Columns are matched by name, case-insensitively; their values are what PowerShell prints:
 * - CSV: enums by name (`Inbound`, `Allow`, `True`, `Domain, Private`), arrays joined by the script
 *   (`-join ','` or string interpolation's spaces: both are split);
 * - JSON: enums by number unless `-EnumsAsStrings` (MSFT_NetFirewallRule: Direction 1 In / 2 Out, Action 2 Allow /
 *   3 AllowBypass / 4 Block, Enabled 1 True / 2 False, EdgeTraversalPolicy 0 Block / 1 Allow / 2 DeferToUser /
 *   3 DeferToApp, Profile flags 1 Domain / 2 Private / 4 Public, 0 Any; Get-NetFirewallProfile: Enabled 0 False /
 *   1 True / 2 NotConfigured, DefaultInbound/OutboundAction 0 NotConfigured / 2 Allow / 4 Block), arrays as arrays.
 * Keywords keep PowerShell's spelling (`RPCEPMap`, `Intranet`, `LocalSubnet4`): ports.ts and addresses.ts read them.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import { LineIndex } from './line-index.js';
import {
  WINDOWS_PROFILES,
  type SourceRef,
  type WindowsFormatReader,
  type WindowsPolicy,
  type WindowsProfileName,
  type WindowsProfileSettings,
  type WindowsRule,
} from './model.js';
import { keywords } from '../../src/model/keywords.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Diagnostic = WindowsPolicy['diagnostics'][number];

/**
 * The one command the README documents (section "Windows Firewall: the export edge-audit reads best"): the profile
 * settings and every rule of the active store, joined with their filters, as CSV. The errors that refuse an export
 * without ports or addresses give it.
 */
export const EXPORT_COMMAND =
  "& { Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object { [pscustomobject]@{ Kind = 'Profile'; Name = $_.Name; Profile = $_.Name; " +
  'Enabled = $_.Enabled; DefaultInboundAction = $_.DefaultInboundAction; DefaultOutboundAction = $_.DefaultOutboundAction } }; ' +
  'Get-NetFirewallRule -PolicyStore ActiveStore | ForEach-Object { $p = $_ | Get-NetFirewallPortFilter; $a = $_ | Get-NetFirewallAddressFilter; ' +
  "[pscustomobject]@{ Kind = 'Rule'; Name = $_.Name; DisplayName = $_.DisplayName; Enabled = $_.Enabled; Profile = $_.Profile; " +
  "Direction = $_.Direction; Action = $_.Action; Protocol = $p.Protocol; LocalPort = $p.LocalPort -join ','; RemotePort = $p.RemotePort -join ','; " +
  "IcmpType = $p.IcmpType -join ','; LocalAddress = $a.LocalAddress -join ','; RemoteAddress = $a.RemoteAddress -join ','; " +
  'Program = ($_ | Get-NetFirewallApplicationFilter).Program; Service = ($_ | Get-NetFirewallServiceFilter).Service; ' +
  'EdgeTraversalPolicy = $_.EdgeTraversalPolicy; OverrideBlockRules = ($_ | Get-NetFirewallSecurityFilter).OverrideBlockRules } } } | ' +
  'Select-Object Kind, Name, DisplayName, Enabled, Profile, Direction, Action, Protocol, LocalPort, RemotePort, IcmpType, LocalAddress, ' +
  'RemoteAddress, Program, Service, EdgeTraversalPolicy, OverrideBlockRules, DefaultInboundAction, DefaultOutboundAction | ' +
  'Export-Csv -Path firewall.csv -NoTypeInformation -Encoding UTF8';

const EXPORT_COMMAND_HINT = 'the command in the README section "Windows Firewall: the export edge-audit reads best"';

const NAME_COLUMNS = ['name', 'instanceid', 'id', 'displayname'];
/** Columns only the filter cmdlets give: an export without any of them was made from Get-NetFirewallRule alone. */
const FILTER_COLUMNS = ['protocol', 'localport', 'remoteport', 'port', 'icmptype', 'localaddress', 'remoteaddress'];
const RULE_COLUMNS = ['enabled', 'profile', 'direction', 'action', 'edgetraversalpolicy', 'program', 'service', ...FILTER_COLUMNS];
/** Columns read, or known to change nothing about what a rule matches (Group, DisplayGroup, Encryption); any other is named once in an info diagnostic. */
const KNOWN_COLUMNS: ReadonlySet<string> = new Set([
  ...NAME_COLUMNS,
  ...RULE_COLUMNS,
  'kind',
  'description',
  'group',
  'displaygroup',
  'package',
  'interfacetype',
  'interfacealias',
  'overrideblockrules',
  'authentication',
  'encryption',
  'remoteuser',
  'remotemachine',
  'localuser',
  'owner',
  'defaultinboundaction',
  'defaultoutboundaction',
]);

// ---- CSV -------------------------------------------------------------------------------------------------

export const powershellCsvReader: WindowsFormatReader = {
  format: 'PowerShell CSV',

  /** A header row naming the rule (Name/DisplayName) and at least two firewall rule columns. */
  detect({ text }: ExportFile): boolean {
    return csvHeader(text) !== undefined;
  },

  read({ text, file }: ExportFile): WindowsPolicy {
    const header = csvHeader(text);
    if (!header) throw new ParseError(file, 1, 'not a PowerShell CSV export of firewall rules (no header row naming rule columns)');
    const lines = new LineIndex(text);
    let rows: CsvRecord[];
    try {
      rows = readCsv(text, header.separator, header.start);
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw new ParseError(file, lines.lineAt(e.offset), e.message);
      throw e;
    }
    const [head, ...body] = rows;
    const columns = head!.fields.map((c) => c.trim().toLowerCase());
    const records: PsRecord[] = [];
    for (const row of body) {
      if (row.fields.length === 1 && row.fields[0] === '') continue; // a blank line
      if (row.fields.length > columns.length) throw new ParseError(file, lines.lineAt(row.start), `the row has ${row.fields.length} fields, the header ${columns.length}`);
      const values = new Map<string, unknown>();
      columns.forEach((c, k) => values.set(c, row.fields[k] ?? ''));
      records.push({ values, source: lines.source(row.start, row.end) });
    }
    const separator = header.separator === ';' ? 'semicolon' : 'comma';
    return new PsExportReading(file, `PowerShell CSV (${separator}-separated)`, columns, header.line).policy(records);
  },
};

interface CsvHeader {
  readonly separator: ',' | ';';
  /** Offset and line of the header row (after Export-Csv's `#TYPE` line, when there is one). */
  readonly start: number;
  readonly line: number;
}

function csvHeader(text: string): CsvHeader | undefined {
  let start = 0;
  let line = 1;
  if (text.startsWith('#TYPE ')) {
    start = text.indexOf('\n') + 1;
    line = 2;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  const first = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
  for (const separator of [',', ';'] as const) {
    const names = first.split(separator).map((c) => c.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
    if (isRuleHeader(names)) return { separator, start, line };
  }
  return undefined;
}

function isRuleHeader(names: readonly string[]): boolean {
  return names.some((n) => NAME_COLUMNS.includes(n)) && names.filter((n) => RULE_COLUMNS.includes(n)).length >= 2;
}

class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface CsvRecord {
  readonly fields: string[];
  /** The record's text: [start, end), line end excluded. */
  readonly start: number;
  readonly end: number;
}

/** RFC 4180 records: fields quoted with `"` may hold the separator, `""` and line breaks. */
function readCsv(text: string, separator: string, from: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = from;
  const n = text.length;
  while (i < n) {
    const start = i;
    const fields: string[] = [];
    let end: number;
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvSyntaxError('a quoted field is not closed', i);
          value += text.slice(j, q);
          if (text[q + 1] === '"') {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n && text[j] !== separator && text[j] !== '\n' && text[j] !== '\r') j++;
        fields.push(text.slice(i, j));
        i = j;
      }
      if (text[i] === separator) {
        i++;
        continue;
      }
      end = i;
      if (i >= n) break;
      if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
      else if (text[i] === '\n' || text[i] === '\r') i++;
      else throw new CsvSyntaxError(`unexpected "${text[i]}" after a quoted field`, i);
      break;
    }
    records.push({ fields, start, end });
  }
  return records;
}

// ---- JSON ------------------------------------------------------------------------------------------------

const JSON_NAME_KEY = /"(?:Name|InstanceID|ID|DisplayName)"\s*:/i;
const JSON_RULE_KEY = /"(?:Enabled|Profile|Direction|Action|Protocol|LocalPort|RemotePort|LocalAddress|RemoteAddress)"\s*:/i;

export const powershellJsonReader: WindowsFormatReader = {
  format: 'PowerShell JSON',

  /** A JSON array or object whose first object has a rule name key and a firewall rule key. */
  detect({ text }: ExportFile): boolean {
    const head = text.slice(0, 8192);
    return /^\s*[[{]/.test(head) && JSON_NAME_KEY.test(head) && JSON_RULE_KEY.test(head);
  },

  read({ text, file }: ExportFile): WindowsPolicy {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ParseError(file, undefined, `not valid JSON (${(e as Error).message})`);
    }
    // ConvertTo-Json writes one object as an object, several as an array; Windows PowerShell 5.1 wraps an array
    // piped as one object in { "value": [...], "Count": n }.
    const wrapped = isObject(data) && Array.isArray(data['value']) && 'Count' in data;
    const items: unknown[] = wrapped ? (data as { value: unknown[] }).value : Array.isArray(data) ? data : [data];
    const depth = wrapped ? 2 : Array.isArray(data) ? 1 : 0;
    const spans = objectSpans(text, depth);
    const lines = new LineIndex(text);
    const columns = new Set<string>();
    const records: PsRecord[] = items.map((item, k) => {
      const [start, end] = spans[k] ?? [0, 0];
      const source = lines.source(start, end);
      if (!isObject(item)) throw new ParseError(file, source.line, 'expected one object per rule');
      const values = new Map<string, unknown>();
      for (const [key, value] of Object.entries(item)) {
        values.set(key.toLowerCase(), value);
        columns.add(key.toLowerCase());
      }
      return { values, source };
    });
    if (!isRuleHeader([...columns])) throw new ParseError(file, 1, 'not a PowerShell JSON export of firewall rules (no object names a rule and its firewall properties)');
    return new PsExportReading(file, 'PowerShell JSON', [...columns], 1).policy(records);
  },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** [start, end) of each object that opens at nesting depth `depth` (0 = the document itself), in order. */
function objectSpans(text: string, depth: number): [number, number][] {
  const spans: [number, number][] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' && open.length === depth ? i : -1);
    } else if (c === '}' || c === ']') {
      const start = open.pop();
      if (start !== undefined && start >= 0) spans.push([start, i + 1]);
    }
  }
  return spans;
}

// ---- a row or object → the vendor model -------------------------------------------------------------------

/** One CSV row or JSON object, by lower-case property name. */
interface PsRecord {
  readonly values: ReadonlyMap<string, unknown>;
  readonly source: SourceRef;
}

const DIRECTIONS = keywords<WindowsRule['direction']>({ inbound: 'in', in: 'in', '1': 'in', outbound: 'out', out: 'out', '2': 'out' });
const ACTIONS = keywords<WindowsRule['action']>({
  allow: 'allow',
  '2': 'allow',
  allowbypass: 'allow-bypass',
  bypass: 'allow-bypass',
  '3': 'allow-bypass',
  block: 'block',
  '4': 'block',
});
/** NetSecurity.Enabled, a rule's state: 1 True, 2 False. */
const RULE_ENABLED = keywords<boolean>({ true: true, yes: true, '1': true, false: false, no: false, '2': false });
/** NetSecurity.GpoBoolean, a profile's Enabled: 0 False, 1 True, 2 NotConfigured (undefined: Windows' default). */
const PROFILE_ENABLED = keywords<boolean | undefined>({ true: true, '1': true, false: false, '0': false, notconfigured: undefined, '2': undefined });
/** NetSecurity.Action, a profile's default action: 0 NotConfigured, 2 Allow, 4 Block. */
const DEFAULT_ACTIONS = keywords<'allow' | 'block' | undefined>({ allow: 'allow', '2': 'allow', block: 'block', '4': 'block', notconfigured: undefined, '0': undefined });
const EDGE_TRAVERSAL = keywords<boolean>({ block: false, '0': false, allow: true, '1': true, defertouser: true, '2': true, defertoapp: true, '3': true });
const PROFILE_FLAGS: readonly [WindowsProfileName, number][] = [['Domain', 1], ['Private', 2], ['Public', 4]];
const INTERFACE_TYPE_FLAGS: readonly [string, number][] = [['Wired', 1], ['Wireless', 2], ['RemoteAccess', 4]];

/** What Export-Csv writes for an array or object it was given unjoined: its type name, not its values. */
const TYPE_NAME = /^(?:System\.[\w.`]+\[\]|System\.Object|Microsoft\.Management\.Infrastructure\.CimInstance.*|@\{.*\})$/;

class PsExportReading {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly formatNotes: string[] = [];
  private readonly has: (column: string) => boolean;

  constructor(
    private readonly file: string,
    private readonly format: string,
    columns: readonly string[],
    private readonly headerLine: number,
  ) {
    const set = new Set(columns);
    this.has = (c) => set.has(c);
    if (!FILTER_COLUMNS.some(this.has)) throw this.noFilters('has no port, protocol or address column');
    const unread = columns.filter((c) => !KNOWN_COLUMNS.has(c));
    if (unread.length > 0) this.info(headerLine, `columns not read (they do not change which flows a rule matches): ${unread.join(', ')}`);
    this.noteAssumptions();
  }

  policy(records: readonly PsRecord[]): WindowsPolicy {
    const rules: WindowsRule[] = [];
    const profiles: Partial<Record<WindowsProfileName, WindowsProfileSettings>> = {};
    let profileRows = 0;
    let filtered = false;
    for (const record of records) {
      this.refuseTypeNames(record);
      if (this.text(record, 'kind')?.toLowerCase() === 'profile') {
        profileRows++;
        const [name, settings] = this.profile(record);
        profiles[name] = settings;
      } else {
        rules.push(this.rule(record));
        filtered ||= FILTER_COLUMNS.some((c) => this.text(record, c) !== undefined);
      }
    }
    // Select-Object on Get-NetFirewallRule's objects writes these columns, empty: the rules have no such properties.
    if (rules.length > 0 && !filtered) throw this.noFilters('leaves the port, protocol and address columns empty in every row');
    if (profileRows === 0) {
      this.formatNotes.push(
        `no profile settings (rows with Kind = Profile): Windows' defaults are assumed (firewall on, inbound Block, outbound Allow); ${EXPORT_COMMAND_HINT} includes them`,
      );
    }
    return { format: this.format, rules, profiles, formatNotes: this.formatNotes, diagnostics: this.diagnostics.sort((a, b) => a.line - b.line) };
  }

  private noFilters(what: string): ParseError {
    return new ParseError(
      this.file,
      this.headerLine,
      `this export ${what}: it was made from Get-NetFirewallRule alone, whose objects carry no ports or addresses, so which flows a rule matches is not in it; export with: ${EXPORT_COMMAND}`,
    );
  }

  /** Columns the export lacks that decide verdicts: what is assumed instead, said once. */
  private noteAssumptions(): void {
    const defaults: [string, string][] = [
      ['direction', 'Inbound'],
      ['action', 'Allow'],
      ['enabled', 'enabled'],
      ['profile', 'all profiles'],
    ];
    const missing = defaults.filter(([c]) => !this.has(c));
    if (missing.length > 0) {
      this.warn(
        this.headerLine,
        `no ${missing.map(([c]) => columnName(c)).join(', ')} column: every row is read with New-NetFirewallRule's default (${missing.map(([, d]) => d).join(', ')})`,
      );
    }
    if (this.has('port') && !this.has('localport') && !this.has('remoteport')) {
      this.info(this.headerLine, 'the Port column is read as the local port of inbound rules and the remote port of outbound ones: the service port');
    }
    for (const c of ['localaddress', 'remoteaddress']) {
      if (!this.has(c)) this.formatNotes.push(`no ${columnName(c)} column: every rule is read as applying to any ${c === 'localaddress' ? 'local' : 'remote'} address`);
    }
    if (!this.has('overrideblockrules')) this.formatNotes.push('no OverrideBlockRules column (Get-NetFirewallSecurityFilter): a rule that overrides block rules is read as a plain allow rule');
  }

  private rule(record: PsRecord): WindowsRule {
    const direction = this.has('direction') ? this.enumValue(record, 'direction', DIRECTIONS) : 'in';
    let action = this.has('action') ? this.enumValue(record, 'action', ACTIONS) : 'allow';
    if (action === 'allow' && this.flag(record, 'overrideblockrules')) action = 'allow-bypass';
    const port = this.list(record, 'port');
    const id = NAME_COLUMNS.map((c) => this.text(record, c)).find((v) => v !== undefined && v !== '') ?? `row at line ${record.source.line}`;
    const displayName = this.text(record, 'displayname') || this.text(record, 'name');
    const rule: Mutable<WindowsRule> = {
      id,
      action,
      direction,
      enabled: this.has('enabled') ? this.enumValue(record, 'enabled', RULE_ENABLED) : true,
      profiles: this.ruleProfiles(record),
      localPorts: [...this.list(record, 'localport'), ...(direction === 'in' ? port : [])],
      remotePorts: [...this.list(record, 'remoteport'), ...(direction === 'out' ? port : [])],
      localAddresses: this.list(record, 'localaddress'),
      remoteAddresses: this.list(record, 'remoteaddress'),
      icmpTypes: this.list(record, 'icmptype'),
      // Interface aliases may hold spaces ("Ethernet 2"): split on commas only.
      interfaces: [...this.flags(record, 'interfacetype', INTERFACE_TYPE_FLAGS), ...this.list(record, 'interfacealias', /,/)],
      edgeTraversal: this.has('edgetraversalpolicy') && this.enumValue(record, 'edgetraversalpolicy', EDGE_TRAVERSAL),
      conditions: this.conditions(record),
      unknownKeys: [],
      source: record.source,
    };
    const optional: [keyof WindowsRule & ('displayName' | 'description' | 'protocol' | 'program' | 'service' | 'package'), string | undefined][] = [
      ['displayName', displayName],
      ['description', this.text(record, 'description')],
      ['protocol', this.anyless(record, 'protocol')],
      ['program', this.anyless(record, 'program')],
      ['service', this.anyless(record, 'service')],
      ['package', this.anyless(record, 'package')],
    ];
    for (const [field, value] of optional) if (value) rule[field] = value;
    const localUsers = [this.anyless(record, 'localuser'), this.anyless(record, 'owner') && `owner ${this.text(record, 'owner')}`].filter(Boolean).join(', ');
    if (localUsers) rule.localUsers = localUsers;
    return rule;
  }

  /** IPsec requirements and authorized remote users or computers: whether a connection meets them is not in the export. */
  private conditions(record: PsRecord): string[] {
    const out: string[] = [];
    const authentication = this.text(record, 'authentication');
    if (authentication && !/^(notrequired|0)$/i.test(authentication)) out.push(`allows only IPsec-authenticated connections (Authentication=${authentication}): whether a peer authenticates is not in the export`);
    for (const [column, who] of [['remotemachine', 'computers'], ['remoteuser', 'users']] as const) {
      if (this.anyless(record, column)) out.push(`applies only to the remote ${who} it authorizes (${columnName(column)})`);
    }
    return out;
  }

  private ruleProfiles(record: PsRecord): WindowsProfileName[] {
    if (/^notapplicable$/i.test(this.text(record, 'profile') ?? '')) {
      this.warn(record.source.line, 'Profile NotApplicable: read as all profiles');
      return [];
    }
    const profiles = this.flags(record, 'profile', PROFILE_FLAGS);
    return profiles.length === WINDOWS_PROFILES.length ? [] : profiles;
  }

  private profile(record: PsRecord): [WindowsProfileName, WindowsProfileSettings] {
    const name = this.text(record, 'profile') || this.text(record, 'name') || '';
    const profile = WINDOWS_PROFILES.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!profile) throw new ParseError(this.file, record.source.line, `a profile row names no profile (Domain, Private or Public): "${name}"`);
    const settings: Mutable<WindowsProfileSettings> = {};
    const source = record.source;
    const enabled = this.has('enabled') ? this.enumValue(record, 'enabled', PROFILE_ENABLED) : undefined;
    if (enabled !== undefined) settings.enableFirewall = { value: enabled, source };
    const inbound = this.has('defaultinboundaction') ? this.enumValue(record, 'defaultinboundaction', DEFAULT_ACTIONS) : undefined;
    if (inbound) settings.defaultInboundAction = { value: inbound, source };
    const outbound = this.has('defaultoutboundaction') ? this.enumValue(record, 'defaultoutboundaction', DEFAULT_ACTIONS) : undefined;
    if (outbound) settings.defaultOutboundAction = { value: outbound, source };
    return [profile, settings];
  }

  // ---- values ----

  private refuseTypeNames(record: PsRecord): void {
    for (const [column, value] of record.values) {
      const texts = Array.isArray(value) ? value : [value];
      for (const v of texts) {
        if (isObject(v)) throw new ParseError(this.file, record.source.line, `${columnName(column)} holds an object, not values: export plain values (${EXPORT_COMMAND_HINT})`);
        if (typeof v === 'string' && TYPE_NAME.test(v.trim())) {
          throw new ParseError(
            this.file,
            record.source.line,
            `${columnName(column)} holds "${v.trim()}", the name of a type instead of its values: the export script did not join the array (-join ','); export with ${EXPORT_COMMAND_HINT}`,
          );
        }
      }
    }
  }

  /** A single value as text; undefined when the column is absent or empty. */
  private text(record: PsRecord, column: string): string | undefined {
    const v = record.values.get(column);
    if (v === undefined || v === null) return undefined;
    const t = (Array.isArray(v) ? v.join(',') : String(v)).trim();
    return t === '' ? undefined : t;
  }

  /** A value that PowerShell says `Any` for when absent (protocol, program, service): undefined for Any. */
  private anyless(record: PsRecord, column: string): string | undefined {
    const t = this.text(record, column);
    return t === undefined || /^any$/i.test(t) ? undefined : t;
  }

  /** A list: a JSON array, or text joined with commas or spaces; `Any`, PowerShell's word for an absent list, is []. */
  private list(record: PsRecord, column: string, separators = /[\s,]+/): string[] {
    const v = record.values.get(column);
    const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    return withoutAny(items.flatMap((item) => String(item).split(separators).map((t) => t.trim())).filter((t) => t !== ''));
  }

  private flag(record: PsRecord, column: string): boolean {
    return /^(true|1)$/i.test(this.text(record, column) ?? '');
  }

  /** A flags enum (Profile, InterfaceType): a number, or names separated by commas; 0 or Any = none. */
  private flags<T extends string>(record: PsRecord, column: string, known: readonly [T, number][]): T[] {
    const terms = this.list(record, column);
    const out = new Set<T>();
    for (const term of terms) {
      if (/^\d+$/.test(term)) {
        const n = Number(term);
        if ((n & ~known.reduce((all, [, bit]) => all | bit, 0)) !== 0) throw this.unknownValue(record, column, term);
        for (const [name, bit] of known) if (n & bit) out.add(name);
      } else if (!/^any$/i.test(term)) {
        const name = known.find(([k]) => k.toLowerCase() === term.toLowerCase());
        if (!name) throw this.unknownValue(record, column, term);
        out.add(name[0]);
      }
    }
    return [...out];
  }

  private enumValue<T>(record: PsRecord, column: string, values: ReadonlyMap<string, T>): T {
    const t = (this.text(record, column) ?? '').toLowerCase();
    if (!values.has(t)) throw this.unknownValue(record, column, this.text(record, column) ?? '');
    return values.get(t) as T;
  }

  private unknownValue(record: PsRecord, column: string, value: string): ParseError {
    return new ParseError(this.file, record.source.line, `${columnName(column)}: unknown value "${value}"`);
  }

  private warn(line: number, message: string): void {
    this.diagnostics.push({ line, level: 'warning', message });
  }

  private info(line: number, message: string): void {
    this.diagnostics.push({ line, level: 'info', message });
  }
}

/** A list that says only `Any` is the absent list (Any): PowerShell and netsh print Any where a rule sets nothing. */
export function withoutAny(values: string[]): string[] {
  return values.length === 1 && /^any$/i.test(values[0]!) ? [] : values;
}

/** Lower-case column names → how PowerShell spells the property, where it is not just capitalized. */
const COLUMN_NAMES = keywords<string>({
  localaddress: 'LocalAddress',
  remoteaddress: 'RemoteAddress',
  remotemachine: 'RemoteMachine',
  remoteuser: 'RemoteUser',
  localport: 'LocalPort',
  remoteport: 'RemotePort',
  edgetraversalpolicy: 'EdgeTraversalPolicy',
  icmptype: 'IcmpType',
  interfacetype: 'InterfaceType',
  interfacealias: 'InterfaceAlias',
  overrideblockrules: 'OverrideBlockRules',
  defaultinboundaction: 'DefaultInboundAction',
  defaultoutboundaction: 'DefaultOutboundAction',
  displayname: 'DisplayName',
  instanceid: 'InstanceID',
  localuser: 'LocalUser',
});

/** A lower-case column name as PowerShell spells the property. */
function columnName(column: string): string {
  return COLUMN_NAMES.get(column) ?? column.charAt(0).toUpperCase() + column.slice(1);
}
