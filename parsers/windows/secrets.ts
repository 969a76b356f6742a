/**
 * IPsec pre-shared keys in Windows Firewall exports, replaced by `<redacted>` before any reader sees the text, so no
 * rule source, diagnostic or parse error can quote one. They are settings of authentication sets and connection
 * security rules, which edge-audit does not audit, in every text form an export takes:
 *
 *   "{GUID}"="v2.10|…|1Method=PreSharedKey|1PreSharedKey=KEY|…|"        rule / auth set strings (.reg, rule text)
 *   "PreSharedKey"="KEY"                                                  a .reg value
 *   Auth1PSK:                             KEY                             netsh advfirewall consec show rule
 *   "PreSharedKey":  "KEY"   /   <PreSharedKey>KEY</PreSharedKey>        PowerShell JSON, XML
 *
 * A setting is secret when its name holds `psk`, `presharedkey`, `secret` or `password`; only its value goes, up
 * to the next `|`, quote or line end, so line numbers and every other field stay as they were.
 */
export const REDACTED = '<redacted>';

const HINT = /psk|preshared|secret|passw/i;
const NAME = '[A-Za-z0-9_.-]*(?:psk|pre-?shared-?key|secret|passw(?:or)?d)[A-Za-z0-9_.-]*';
/** `Name=value`, `"Name"="value"`, `Name: value`, `"Name": "value"`: the value is a quoted string or runs to `|`, a quote or the line end. */
const SETTING = new RegExp(`(${NAME}"?[ \\t]*[=:][ \\t]*)("(?:[^"\\\\\\r\\n]|\\\\.)*"?|[^|"\\r\\n]+)`, 'gi');
/** `<PreSharedKey>value</PreSharedKey>` on one line. */
const ELEMENT = new RegExp(`(<(?:[\\w-]+:)?${NAME}(?:\\s[^>]*)?>)([^<\\r\\n]+)`, 'gi');

export function redactSecrets(text: string): string {
  if (!HINT.test(text)) return text;
  return text.replace(SETTING, (_, name: string, value: string) => name + (value.startsWith('"') ? `"${REDACTED}"` : REDACTED)).replace(ELEMENT, `$1${REDACTED}`);
}
