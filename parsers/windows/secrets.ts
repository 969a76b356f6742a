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
const SECRET_NAME = /psk|pre-?shared-?key|secret|passw(?:or)?d/i;
/**
 * A setting's name and separator: `Name=`, `"Name"=`, `Name:`, `"Name": `. The name starts a word and is at most 64
 * characters, so each word is tried once and for a bounded length: linear in the text, however hostile.
 */
const FIELD = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})("?[ \t]*[=:][ \t]*)/g;
/** The value after it: a quoted string, or up to the next `|`, quote or line end. */
const VALUE = /"(?:[^"\\\r\n]|\\.)*"?|[^|"\r\n]*/y;
/** `<PreSharedKey>value</PreSharedKey>` (a namespace prefix allowed) on one line. */
const ELEMENT = /<((?:[A-Za-z0-9_-]{1,32}:)?([A-Za-z0-9_.-]{1,64}))>([^<\r\n]*)/g;

export function redactSecrets(text: string): string {
  if (!HINT.test(text)) return text;
  let out = '';
  let from = 0;
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(text); m; m = FIELD.exec(text)) {
    if (!SECRET_NAME.test(m[1]!)) continue;
    const at = m.index + m[0].length;
    VALUE.lastIndex = at;
    const value = VALUE.exec(text)![0];
    out += text.slice(from, at) + (value.startsWith('"') ? `"${REDACTED}"` : REDACTED);
    from = FIELD.lastIndex = at + value.length;
  }
  out += text.slice(from);
  return out.replace(ELEMENT, (element, tag: string, name: string, value: string) => (value !== '' && SECRET_NAME.test(name) ? `<${tag}>${REDACTED}` : element));
}
