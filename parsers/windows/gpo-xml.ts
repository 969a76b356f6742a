/**
 * GPO and RSOP report XML: `Get-GPOReport -ReportType Xml` (root `GPO`; `report` with `-All`, one `GPO` each),
 * the `gpreport.xml` of a GPO backup (root `GPO`) and `gpresult /x` (root `Rsop`). Windows writes them in UTF-16LE
 * with a BOM; ExportFile.text is already decoded.
 *
 * The firewall settings are the elements of the namespace `http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall`
 * inside an `Extension` of the computer settings, whatever prefix the file binds it to:
 * - `InboundFirewallRules` / `OutboundFirewallRules`, one per rule, whose children are the registry rule string's
 *   keys (`Action`, `Dir`, `LPort`, `RA4`, …), a key with several values repeated;
 * - `DomainProfile` / `PrivateProfile` / `PublicProfile`, each setting holding a boolean `Value`:
 *   `EnableFirewall` true = on, `DefaultInboundAction` / `DefaultOutboundAction` true = Block.
 * In an RSOP report each setting also names the GPO it came from and its `Precedence` (namespace `…/Settings/Base`);
 * 1 is the value that applies, higher ones lost to it.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import { LineIndex } from './line-index.js';
import type { SourceRef, WindowsFormatReader, WindowsPolicy, WindowsProfileName, WindowsProfileSettings, WindowsRule } from './model.js';
import { isRuleString, ruleFromFields, RuleStringError } from './rule-string.js';
import { readXmlDocument, XmlSyntaxError, type XmlElement } from './xml-document.js';
import { keywords } from '../../src/model/keywords.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Diagnostic = WindowsPolicy['diagnostics'][number];

const FIREWALL_NS = 'http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall';
const BASE_NS = 'http://www.microsoft.com/GroupPolicy/Settings/Base';
const RULE_ELEMENTS = keywords<WindowsRule['direction']>({ InboundFirewallRules: 'in', OutboundFirewallRules: 'out' });
const PROFILE_ELEMENTS = keywords<WindowsProfileName>({ DomainProfile: 'Domain', PrivateProfile: 'Private', PublicProfile: 'Public' });

/** The root element, after an optional XML declaration and comments, and a Group Policy namespace near it. */
const ROOT = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?(GPO|report|Rsop)[\s>/]/;

const FORMAT_NOTE =
  'A GPO report holds only the rules of its GPO(s) and drops some keys: the Intranet address keywords (RA42/RA62), ' +
  'app packages (AppPkgId) and Platform2. Rules from the local store and from other GPOs also apply unless ' +
  'AllowLocalPolicyMerge is false; export the resultant rules (see the README) to audit them all.';

export const gpoReportReader: WindowsFormatReader = {
  format: 'GPO report XML',

  detect({ text }: ExportFile): boolean {
    const head = text.slice(0, 4096);
    return ROOT.test(head) && head.includes('http://www.microsoft.com/GroupPolicy/');
  },

  read(input: ExportFile): WindowsPolicy {
    return new ReportReading(input).policy();
  },
};

/** The computer settings of one GPO (or the computer's results in an RSOP report), where the extensions are. */
interface SettingsSource {
  readonly name?: string;
  readonly extensions: readonly XmlElement[];
}

/** A profile setting found in the report, with where it was found. */
interface FoundSetting {
  readonly value: boolean;
  readonly source: SourceRef;
  readonly gpo?: string;
}

const PROFILE_SETTINGS = ['EnableFirewall', 'DefaultInboundAction', 'DefaultOutboundAction'] as const;
type ProfileSettingName = (typeof PROFILE_SETTINGS)[number];

class ReportReading {
  private readonly lines: LineIndex;
  private readonly diagnostics: Diagnostic[] = [];
  private readonly rules: WindowsRule[] = [];
  private readonly settings = new Map<string, FoundSetting[]>();
  private firewallElements = 0;

  constructor(private readonly input: ExportFile) {
    this.lines = new LineIndex(input.text);
  }

  policy(): WindowsPolicy {
    const root = this.document();
    const { format, sources } = this.sources(root);
    const withFirewall = sources.filter((s) => s.extensions.some((e) => e.children.some((c) => c.ns === FIREWALL_NS)));
    for (const source of sources) this.readSource(source, withFirewall.length > 1);
    if (this.firewallElements === 0) {
      throw new ParseError(this.input.file, undefined, `this ${format} holds no Windows Firewall settings (no element in the namespace ${FIREWALL_NS}): nothing to audit`);
    }
    const names = withFirewall.map((s) => s.name).filter((n): n is string => n !== undefined);
    const policy: Mutable<WindowsPolicy> = {
      format,
      rules: this.rules,
      profiles: this.profiles(),
      formatNotes: [FORMAT_NOTE],
      diagnostics: this.diagnostics.sort((a, b) => a.line - b.line),
    };
    if (names.length > 0) policy.name = names.join(', ');
    return policy;
  }

  private document(): XmlElement {
    try {
      return readXmlDocument(this.input.text, [...RULE_ELEMENTS.keys()]);
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw new ParseError(this.input.file, this.lines.lineAt(e.offset), e.message);
      throw e;
    }
  }

  private sources(root: XmlElement): { format: string; sources: SettingsSource[] } {
    const extensionsOf = (settings: XmlElement | undefined) =>
      child(settings, 'ExtensionData').flatMap((d) => d.children.filter((e) => e.local === 'Extension'));
    if (root.local === 'Rsop') {
      const results = root.children.filter((c) => c.local === 'ComputerResults');
      return { format: 'RSOP report XML (gpresult /x)', sources: results.map((r) => ({ ...named(r), extensions: extensionsOf(r) })) };
    }
    const gpos = root.local === 'GPO' ? [root] : root.children.filter((c) => c.local === 'GPO');
    const sources: SettingsSource[] = [];
    for (const gpo of gpos) {
      const computer = child(gpo, 'Computer')[0];
      const enabled = child(computer, 'Enabled')[0];
      if (enabled?.text === 'false' && extensionsOf(computer).length > 0) {
        this.warn(this.lines.lineAt(enabled.start), `the computer settings of GPO "${named(gpo).name ?? '?'}" are disabled: Windows does not apply its firewall settings, so they are not read`);
        continue;
      }
      sources.push({ ...named(gpo), extensions: extensionsOf(computer) });
    }
    return { format: root.local === 'GPO' ? 'GPO report XML' : `GPO report XML (${gpos.length} GPOs)`, sources };
  }

  private readSource(source: SettingsSource, prefixIds: boolean): void {
    for (const extension of source.extensions) {
      for (const element of extension.children) {
        if (element.ns !== FIREWALL_NS) continue;
        this.firewallElements++;
        const direction = RULE_ELEMENTS.get(element.local);
        const profile = PROFILE_ELEMENTS.get(element.local);
        if (direction) this.readRule(element, direction, prefixIds ? source.name : undefined);
        else if (profile) this.readProfile(element, profile, source.name);
        else if (element.local === 'ConnectionSecurityRules' || element.local === 'MainModeRules' || element.local === 'CryptoSets')
          this.info(this.lines.lineAt(element.start), `${element.local}: IPsec settings do not filter traffic by themselves; not read`);
        else if (element.local !== 'GlobalSettings') this.info(this.lines.lineAt(element.start), `${element.local}: not a firewall rule or profile setting; not read`);
      }
    }
  }

  /**
   * A rule element's children are the keys of the registry rule string Windows stores the rule as (`Version`,
   * then `Action`, `Dir`, `LPort`, …): they are read by the parser of rule strings, so every format that holds
   * rule strings is read alike. A value cannot hold `|`, the string's separator.
   */
  private readRule(element: XmlElement, direction: WindowsRule['direction'], gpo: string | undefined): void {
    const source = this.source(element);
    let version = '2.0'; // reports always give it; no version changes the keys' meaning
    let name: string | undefined;
    const fields: [string, string][] = [];
    let precedence: XmlElement | undefined;
    for (const c of element.children) {
      if (c.ns === FIREWALL_NS && c.children.length === 0) {
        if (c.text.includes('|')) throw new ParseError(this.input.file, this.lines.lineAt(c.start), `${c.local}: a firewall rule value cannot hold "|"`);
        if (c.local === 'Version') version = c.text;
        else fields.push([c.local, c.text]);
        if (c.local === 'Name') name = c.text;
      } else if (c.ns === BASE_NS && c.local === 'Precedence') precedence = c;
      else if (c.ns !== BASE_NS) this.warn(this.lines.lineAt(c.start), `${element.local}: unexpected element <${c.qname}> not read`);
    }
    if (precedence && precedence.text !== '1') {
      this.info(this.lines.lineAt(precedence.start), `rule "${name ?? '?'}" has precedence ${precedence.text}: a rule of a GPO of higher precedence replaces it, so it is not read`);
      return;
    }
    let rule: WindowsRule;
    try {
      if (!isRuleString(`v${version}|`)) throw new RuleStringError(`Version ${version} is not <major>.<minor>`);
      rule = ruleFromFields(fields, source, gpo ? `${gpo}: ${name ?? element.local}` : undefined);
    } catch (e) {
      if (e instanceof RuleStringError) throw new ParseError(this.input.file, source.line, `${element.local}: ${e.message}`);
      throw e;
    }
    if (rule.direction !== direction) throw new ParseError(this.input.file, source.line, `${element.local}: its Dir contradicts the element it is in`);
    this.rules.push(rule);
  }

  private readProfile(element: XmlElement, profile: WindowsProfileName, gpo: string | undefined): void {
    const profilePrecedence = precedenceOf(element);
    for (const setting of element.children) {
      if (setting.ns !== FIREWALL_NS) continue;
      const valueElement = setting.children.find((c) => c.ns === FIREWALL_NS && c.local === 'Value');
      const precedence = precedenceOf(setting) ?? profilePrecedence;
      if (!valueElement || (precedence !== undefined && precedence !== '1')) continue;
      const value = valueElement.text.toLowerCase();
      if (value !== 'true' && value !== 'false') {
        if (isReadSetting(setting.local) || setting.local === 'DoNotAllowExceptions') this.warn(this.lines.lineAt(valueElement.start), `${element.local}/${setting.local}: value "${valueElement.text}" is not a boolean; ignored`);
        continue;
      }
      const source = this.source(setting);
      if (isReadSetting(setting.local)) {
        const key = `${profile}/${setting.local}`;
        this.settings.set(key, [...(this.settings.get(key) ?? []), { value: value === 'true', source, ...(gpo ? { gpo } : {}) }]);
      } else if (setting.local === 'DoNotAllowExceptions' && value === 'true') {
        this.warn(source.line, `${element.local}: DoNotAllowExceptions is true: Windows then blocks every unsolicited inbound connection on the ${profile} profile, whatever the allow rules say; edge-audit does not model this and reads the allow rules as usual`);
      } else if (setting.local === 'AllowLocalPolicyMerge' && value === 'false') {
        this.info(source.line, `${profile} profile: AllowLocalPolicyMerge is false: the host's local rules do not apply there, only those of Group Policy`);
      }
    }
  }

  /** Each profile's settings; where GPOs of a report disagree, the one that filters less, with a warning. */
  private profiles(): WindowsPolicy['profiles'] {
    const out: Partial<Record<WindowsProfileName, Mutable<WindowsProfileSettings>>> = {};
    for (const [key, found] of this.settings) {
      const [profile, name] = key.split('/') as [WindowsProfileName, ProfileSettingName];
      // EnableFirewall false and a default Allow (value false) filter less.
      const chosen = found.find((f) => !f.value) ?? found[0]!;
      if (found.some((f) => f.value !== chosen.value)) {
        const where = found.map((f) => `${f.gpo ?? '?'} (line ${f.source.line}): ${f.value}`).join(', ');
        this.warn(chosen.source.line, `${profile} profile: the GPOs disagree on ${name} (${where}); which applies depends on their link order, which the report does not give: the one that filters less is assumed`);
      }
      const settings = (out[profile] ??= {});
      if (name === 'EnableFirewall') settings.enableFirewall = { value: chosen.value, source: chosen.source };
      else settings[name === 'DefaultInboundAction' ? 'defaultInboundAction' : 'defaultOutboundAction'] = { value: chosen.value ? 'block' : 'allow', source: chosen.source };
    }
    return out;
  }

  private source(element: XmlElement): SourceRef {
    return this.lines.source(element.start, element.end);
  }

  private warn(line: number, message: string): void {
    this.diagnostics.push({ line, level: 'warning', message });
  }

  private info(line: number, message: string): void {
    this.diagnostics.push({ line, level: 'info', message });
  }
}

function child(element: XmlElement | undefined, local: string): XmlElement[] {
  return element ? element.children.filter((c) => c.local === local) : [];
}

function named(element: XmlElement): { name?: string } {
  const name = child(element, 'Name')[0]?.text;
  return name ? { name } : {};
}

function precedenceOf(element: XmlElement): string | undefined {
  return element.children.find((c) => c.ns === BASE_NS && c.local === 'Precedence')?.text;
}

function isReadSetting(name: string): name is ProfileSettingName {
  return (PROFILE_SETTINGS as readonly string[]).includes(name);
}
