/**
 * Which FortiOS settings hold secrets: passwords (`set password ENC …`, `set passwd`), pre-shared keys
 * (`set psksecret ENC …`), private keys and certificates (multi-line PEM in quotes), SNMP and routing
 * authentication keys, API tokens. Their values are dropped while the file is read, and every line that
 * showed them is replaced by `set <key> <redacted>` wherever a line is quoted back (Origin.text).
 */

export const REDACTED = '<redacted>';

/**
 * Setting names are matched by their hyphen-separated words: `password`, `auth-pwd`, `psksecret`,
 * `ppk-secret`, `private-key`, `md5-key`, `key` (`config router ospf … config md5-keys … set key`),
 * `certificate` (a PEM body), `csr`, `token`… `keylife` or `keepalive` are not secrets, so `key` must be a whole word.
 */
const SECRET_WORDS = new Set(['passwd', 'passphrase', 'pwd', 'psksecret', 'psk', 'key', 'authkey', 'certificate', 'csr', 'token', 'pin']);
/** PEM bodies of `config vpn certificate ca|crl` entries. */
const SECRET_KEYS = new Set(['ca', 'crl']);

const secretCache = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let known = secretCache.get(key);
  if (known === undefined) {
    known = SECRET_KEYS.has(key) || key.split('-').some((word) => SECRET_WORDS.has(word) || word.endsWith('password') || word.endsWith('secret'));
    secretCache.set(key, known);
  }
  return known;
}

/**
 * A setting whose value FortiOS wrote encrypted (`set <key> ENC <base64>`) is a secret whatever its name: the
 * names of secret settings grow with every FortiOS release, and `ENC` is how FortiOS itself marks them.
 */
export function isSecretSetting(key: string, values: readonly string[]): boolean {
  return values[0] === 'ENC' || isSecretKey(key);
}
