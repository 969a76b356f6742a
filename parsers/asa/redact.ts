/**
 * Secrets in an ASA configuration, replaced by `<redacted>` before any line is kept: every Origin, diagnostic
 * and report quotes lines only after this, so no password, key or community ever leaves the line reader.
 *
 * `show running-config` already masks some (`*****`), but `more system:running-config` and older versions
 * print them, encrypted or in clear text. Covered: `enable password`, `passwd`, `username … password|secret`,
 * `ikev1|ikev2 … pre-shared-key`, `pre-shared-key`, `crypto isakmp key`, `isakmp key`, `failover key`, the
 * `key` of an `aaa-server` host, `radius-common-pw`, `ldap-login-password`, `snmp-server community`,
 * `snmp-server host … community`, `snmp-server user … auth|priv`, `ntp authentication-key`, OSPF
 * `authentication-key` / `message-digest-key`, EIGRP `authentication key`, BGP `neighbor … password`, the
 * master passphrase (`key config-key password-encryption NEW [OLD]`) and `failover key hex KEY`.
 */
export const REDACTED = '<redacted>';

/** Lines that only name addresses, ports and objects: their words are never secrets, whatever the object is called. */
export const FILTER_COMMANDS: ReadonlySet<string> = new Set([
  'access-list', 'object', 'object-group', 'network-object', 'service-object', 'port-object', 'protocol-object',
  'icmp-object', 'group-object', 'host', 'subnet', 'range', 'fqdn', 'service', 'nat', 'static', 'global', 'name',
  'access-group', 'route', 'description', 'nameif', 'interface',
]);

/** Keywords followed by a secret, wherever they stand in a line. */
const SECRET_AFTER: ReadonlySet<string> = new Set([
  'password', 'passwd', 'secret', 'pre-shared-key', 'community', 'radius-common-pw', 'ldap-login-password',
]);

/** Keywords followed by a secret only after these words (`failover key`, `isakmp key`), or first on a line (aaa-server `key`). */
const KEY_AFTER: ReadonlySet<string> = new Set(['failover', 'isakmp']);

export function redactSecrets(text: string): string {
  if (!mayHoldSecret(text)) return text;
  const words = text.trim().split(/\s+/);
  if (FILTER_COMMANDS.has(words[0]!.toLowerCase()) || (words[0] === 'ipv6' && words[1] === 'access-list')) return text;
  const secret = new Set<number>();
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!.toLowerCase();
    if (w === 'password-encryption') {
      // The master passphrase: `key config-key password-encryption NEW [OLD]`, both words secret.
      for (let j = k + 1; j < words.length; j++) secret.add(j);
      break;
    } else if (SECRET_AFTER.has(w)) {
      // `password encryption aes` configures how secrets are stored; it holds none.
      if (words[k + 1]?.toLowerCase() !== 'encryption') markNext(words, k + 1, secret);
    }
    else if (w === 'key' && isKeyCommand(words, k)) {
      // EIGRP: `authentication key eigrp AS SECRET key-id N`; failover: `failover key hex KEY`.
      const next = words[k + 1]?.toLowerCase();
      markNext(words, next === 'eigrp' ? k + 3 : next === 'hex' ? k + 2 : k + 1, secret);
    } else if (w === 'authentication-key') {
      // NTP: `ntp authentication-key N md5 SECRET`; OSPF: `ospf authentication-key [0|8] SECRET`.
      markNext(words, words[0]!.toLowerCase() === 'ntp' ? k + 3 : k + 1, secret);
    } else if (w === 'message-digest-key') {
      markNext(words, k + 3, secret); // `ospf message-digest-key N md5 SECRET`
    } else if ((w === 'auth' || w === 'priv') && words[0]!.toLowerCase() === 'snmp-server') {
      // `snmp-server user U G v3 auth sha SECRET priv aes 128 SECRET`
      let at = k + 2;
      if (w === 'priv' && /^\d+$/.test(words[at] ?? '')) at++;
      markNext(words, at, secret);
    }
  }
  if (secret.size === 0) return text;
  return replaceWords(text, secret);
}

/**
 * `key` introduces a secret first on a line (an aaa-server host's ` key SECRET`), after `failover`, `isakmp` or
 * `authentication`, and on an `aaa-server … host ADDRESS key SECRET` line. `key config-key password-encryption`
 * names the master passphrase, which follows `password-encryption`.
 */
function isKeyCommand(words: readonly string[], k: number): boolean {
  if (words[k + 1]?.toLowerCase() === 'config-key') return false;
  if (k === 0) return true;
  const before = words[k - 1]!.toLowerCase();
  return KEY_AFTER.has(before) || before === 'authentication' || (words[0]!.toLowerCase() === 'aaa-server' && words[k - 2]?.toLowerCase() === 'host');
}

const HINT = /password|passwd|secret|key|community|-pw|auth|priv/i;

function mayHoldSecret(text: string): boolean {
  return HINT.test(text);
}

/** Marks the word at `at`, skipping an encryption-type digit (`key 8 HASH`) that has a word after it. */
function markNext(words: readonly string[], at: number, secret: Set<number>): void {
  if (at >= words.length) return;
  if (/^[0-9]$/.test(words[at]!) && at + 1 < words.length && !/^(encrypted|pbkdf2|nt-encrypted|privilege)$/i.test(words[at + 1]!)) at++;
  secret.add(at);
}

/** The line with the marked words replaced, its spacing and indentation kept. */
function replaceWords(text: string, secret: ReadonlySet<number>): string {
  let k = -1;
  return text.replace(/\S+/g, (word) => (secret.has(++k) ? REDACTED : word));
}
