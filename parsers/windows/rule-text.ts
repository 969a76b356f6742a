/**
 * A plain list of registry rule strings, one per line: what an administrator gets by printing the values of the
 * `FirewallRules` key, e.g.
 *
 *   $k = Get-Item 'HKLM:\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules'
 *   $k.GetValueNames() | ForEach-Object { $k.GetValue($_) } | Set-Content -Encoding Unicode rules.txt
 *
 * Blank lines and lines starting with `#` or `;` are skipped; every other line must be a rule string.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import type { WindowsFormatReader, WindowsPolicy, WindowsRule } from './model.js';
import { isRuleString, parseRuleString, RuleStringError } from './rule-string.js';

const FORMAT = 'registry rule strings (text)';

const skipped = (line: string) => line === '' || line.startsWith('#') || line.startsWith(';');

export const ruleTextReader: WindowsFormatReader = {
  format: FORMAT,

  /** The first line that is not blank or a comment is a rule string. */
  detect({ text }: ExportFile): boolean {
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end).trim();
      if (!skipped(line)) return isRuleString(line);
      pos = end + 1;
    }
    return false;
  },

  read({ text, file }: ExportFile): WindowsPolicy {
    const rules: WindowsRule[] = [];
    text.split('\n').forEach((raw, k) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const trimmed = line.trim();
      if (skipped(trimmed)) return;
      try {
        rules.push(parseRuleString(trimmed, { line: k + 1, text: line }));
      } catch (e) {
        if (e instanceof RuleStringError) throw new ParseError(file, k + 1, e.message);
        throw e;
      }
    });
    return {
      format: FORMAT,
      rules,
      profiles: {},
      formatNotes: [
        "a list of rule strings carries no profile settings: Windows' defaults are assumed (firewall on, inbound Block, outbound Allow); export the whole firewall key (.reg or netsh advfirewall export) to audit them",
      ],
      diagnostics: [],
    };
  },
};
