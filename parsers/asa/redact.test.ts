import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

const R = REDACTED;

describe('redactSecrets', () => {
  it.each([
    ['enable password 8Ry2YjIyt7RRXU24 encrypted', `enable password ${R} encrypted`],
    ['passwd 2KFQnbNIdI.2KYOU encrypted', `passwd ${R} encrypted`],
    ['username admin password f3UhLvUj1QsXsuK7 encrypted privilege 15', `username admin password ${R} encrypted privilege 15`],
    ['username ops password $sha512$5000$abc==$def== pbkdf2 privilege 15', `username ops password ${R} pbkdf2 privilege 15`],
    [' ikev1 pre-shared-key Sup3rSecret', ` ikev1 pre-shared-key ${R}`],
    [' ikev2 remote-authentication pre-shared-key Sup3rSecret', ` ikev2 remote-authentication pre-shared-key ${R}`],
    [' pre-shared-key Sup3rSecret', ` pre-shared-key ${R}`],
    ['crypto isakmp key Sup3rSecret address 192.0.2.1 netmask 255.255.255.255', `crypto isakmp key ${R} address 192.0.2.1 netmask 255.255.255.255`],
    ['isakmp key Sup3rSecret address 192.0.2.1 netmask 255.255.255.255', `isakmp key ${R} address 192.0.2.1 netmask 255.255.255.255`],
    ['failover key FailoverKey-3x', `failover key ${R}`],
    [' key TacacsKey-8p', ` key ${R}`],
    [' radius-common-pw RadPw', ` radius-common-pw ${R}`],
    [' ldap-login-password LdapPw', ` ldap-login-password ${R}`],
    ['snmp-server community SnmpCommunity-Q4', `snmp-server community ${R}`],
    ['snmp-server host inside 10.99.0.50 community SnmpCommunity-Q4 version 2c', `snmp-server host inside 10.99.0.50 community ${R} version 2c`],
    ['snmp-server user mon grp v3 auth sha AuthPw priv aes 128 PrivPw', `snmp-server user mon grp v3 auth sha ${R} priv aes 128 ${R}`],
    ['ntp authentication-key 1 md5 NtpKey-99x', `ntp authentication-key 1 md5 ${R}`],
    [' ospf authentication-key OspfPw', ` ospf authentication-key ${R}`],
    [' ospf message-digest-key 1 md5 OspfMd5', ` ospf message-digest-key 1 md5 ${R}`],
    [' authentication key eigrp 100 EigrpKey key-id 1', ` authentication key eigrp 100 ${R} key-id 1`],
    [' neighbor 192.0.2.9 password BgpPw', ` neighbor 192.0.2.9 password ${R}`],
    [' key 8 EncryptedHash', ` key 8 ${R}`],
    ['key config-key password-encryption NewMasterPass OldMasterPass', `key config-key password-encryption ${R} ${R}`],
    ['key config-key password-encryption NewMasterPass', `key config-key password-encryption ${R}`],
    ['no key config-key password-encryption OldMasterPass', `no key config-key password-encryption ${R}`],
    ['failover key hex 0123456789abcdef0123456789abcdef', `failover key hex ${R}`],
    ['aaa-server RAD (inside) host 10.1.1.5 key RadiusKey timeout 5', `aaa-server RAD (inside) host 10.1.1.5 key ${R} timeout 5`],
  ])('%s', (line, redacted) => {
    expect(redactSecrets(line)).toBe(redacted);
  });

  it('leaves lines without secrets as they are, spacing included', () => {
    for (const line of ['crypto key generate rsa modulus 2048', 'ssh key-exchange group dh-group14-sha1', 'password encryption aes', 'aaa authentication ssh console LOCAL', ' nameif outside ']) {
      expect(redactSecrets(line)).toBe(line);
    }
  });

  it('never touches filter lines, whatever their objects are called', () => {
    for (const line of ['access-list secret extended permit tcp any object secret eq 443 ', 'object network password', ' network-object object key', 'name 10.1.1.1 community']) {
      expect(redactSecrets(line)).toBe(line);
    }
  });
});
