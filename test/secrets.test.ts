/**
 * No secret leaves edge-audit. Every known secret form of every vendor, each with its own canary value, goes
 * through the CLI as a process: every report format, stderr (verbose, and a failing parse of a malformed line that
 * holds a secret), the baseline it writes and `trace`. Not one canary may appear anywhere.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'edge-audit');
const FORMATS = 'json,table,markdown,html,junit,sarif';
/** Each test runs the CLI a few times, on a machine others share. */
const TIMEOUT = 120_000;

/** Every canary starts so: one search finds any of them, and the message names which. */
const CANARY = /Cnry[A-Za-z0-9]*/g;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stderr: r.stderr };
}

function leaked(text: string): string[] {
  return [...new Set(text.match(CANARY) ?? [])];
}

/** Lines `after` the first line matching `at` get `lines` inserted. */
function insertAfter(text: string, at: RegExp, lines: readonly string[]): string {
  const all = text.split('\n');
  const k = all.findIndex((l) => at.test(l));
  if (k < 0) throw new Error(`no line matches ${at}`);
  all.splice(k + 1, 0, ...lines);
  return all.join('\n');
}

interface Case {
  readonly vendor: string;
  readonly fixtureDir: string;
  readonly name: string;
  /** The export, every secret form inside it. */
  readonly text: string;
  /** A file the parser refuses at a line that holds a secret. */
  readonly malformed: string;
  readonly trace: readonly string[];
  /** Canaries written into `text` and `malformed`: the test checks that they are really there. */
  readonly canaries: number;
}

const asaSecrets = [
  'enable password CnryAsaEnable1 encrypted',
  'passwd CnryAsaPasswd2 encrypted',
  'username admin password CnryAsaUser3 encrypted privilege 15',
  'username ops password $sha512$5000$CnryAsaUser4== pbkdf2 privilege 15',
  'username vpn secret CnryAsaUser5',
  'key config-key password-encryption CnryAsaMasterNew6 CnryAsaMasterOld7',
  'aaa-server LDAP-SRV (inside) host 10.1.1.9',
  ' ldap-login-password CnryAsaLdap8',
  'aaa-server RAD-SRV protocol radius',
  'aaa-server RAD-SRV (inside) host 10.1.1.5',
  ' key CnryAsaRadius9',
  ' radius-common-pw CnryAsaRadius10',
  'aaa-server TAC-SRV (inside) host 10.1.1.6 key CnryAsaTacacs11 timeout 5',
  'crypto isakmp key CnryAsaIsakmp12 address 192.0.2.1 netmask 255.255.255.255',
  'isakmp key CnryAsaIsakmp13 address 192.0.2.2 netmask 255.255.255.255',
  'tunnel-group 192.0.2.1 type ipsec-l2l',
  'tunnel-group 192.0.2.1 ipsec-attributes',
  ' ikev1 pre-shared-key CnryAsaIkev1x14',
  ' ikev2 remote-authentication pre-shared-key CnryAsaIkev2x15',
  ' ikev2 local-authentication pre-shared-key 8 CnryAsaIkev2x16',
  'tunnel-group 192.0.2.2 ipsec-attributes',
  ' pre-shared-key CnryAsaTunnel17',
  'snmp-server community CnryAsaSnmp18',
  'snmp-server host inside 10.99.0.50 community CnryAsaSnmp19 version 2c',
  'snmp-server user mon grp v3 auth sha CnryAsaSnmpAuth20 priv aes 128 CnryAsaSnmpPriv21',
  'ntp authentication-key 1 md5 CnryAsaNtp22',
  'interface GigabitEthernet1/8',
  ' ospf authentication-key CnryAsaOspf23',
  ' ospf message-digest-key 1 md5 CnryAsaOspf24',
  ' authentication key eigrp 100 CnryAsaEigrp25 key-id 1',
  'router bgp 65001',
  ' address-family ipv4 unicast',
  '  neighbor 192.0.2.9 password CnryAsaBgp26',
  'failover key CnryAsaFailover27',
  'failover key hex CnryAsaFailover28',
];

const fortiSecrets = [
  'config system admin',
  '    edit "ops"',
  '        set accprofile "super_admin"',
  '        set password ENC CnryFgtAdmin1',
  '    next',
  'end',
  'config user local',
  '    edit "guest"',
  '        set type password',
  '        set passwd ENC CnryFgtUser2',
  '    next',
  'end',
  'config user ldap',
  '    edit "dc"',
  '        set server "10.1.1.9"',
  '        set password ENC CnryFgtLdap3',
  '    next',
  'end',
  'config user radius',
  '    edit "rad"',
  '        set server "10.1.1.5"',
  '        set secret ENC CnryFgtRadius4',
  '    next',
  'end',
  'config vpn ipsec phase1-interface',
  '    edit "to-partner"',
  '        set interface "wan1"',
  '        set psksecret ENC CnryFgtPsk5',
  '        set ppk-secret ENC CnryFgtPpk6',
  '    next',
  'end',
  'config vpn certificate local',
  '    edit "edge-cert"',
  '        set password ENC CnryFgtCert7',
  '        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----',
  'CnryFgtPrivateKey8',
  '-----END ENCRYPTED PRIVATE KEY-----"',
  '    next',
  'end',
  'config system snmp user',
  '    edit "mon"',
  '        set auth-pwd ENC CnryFgtSnmp9',
  '        set priv-pwd ENC CnryFgtSnmp10',
  '    next',
  'end',
  'config user fsso',
  '    edit "collector"',
  '        set server "10.1.1.7"',
  '        set password ENC CnryFgtFsso11',
  '        set sso-credential ENC CnryFgtEnc12',
  '    next',
  'end',
];

/**
 * FortiOS policies hold no secret, but the parser does not know that: a policy quoted back as evidence (policy 3 is)
 * shows that secrets in a quoted block go too, an ENC value under any name included.
 */
const POLICY_WITH_SECRETS = ['config firewall policy', '    edit 3', '        set password ENC CnryFgtPolicy17', '        set sso-credential ENC CnryFgtPolicy18'].join('\n');

const PSK_SETS = '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\Phase1AuthenticationSets]';

function cases(): Case[] {
  const asa = readFileSync(join(repo, 'fixtures/asa/asa9/gap.cfg'), 'utf8');
  const forti = readFileSync(join(repo, 'fixtures/fortigate/policy-nat/gap.conf'), 'utf8');
  // A REGEDIT4 export of the same rules as the fixture (which is UTF-16): the reader decodes it from its bytes.
  const reg = readFileSync(join(repo, 'fixtures/windows/edge-compliant.reg')).subarray(2).toString('utf16le').replace(/\r/g, '').replace(/^[^\n]*/, 'REGEDIT4');
  const rules = readFileSync(join(repo, 'fixtures/windows/edge-rules.txt')).subarray(2).toString('utf16le').replace(/\r/g, '').trimEnd();
  const regPsk = (n: number) => `"{A${n}}"="v2.10|Name=Partner ${n}|1Method=PreSharedKey|1PreSharedKey=CnryWinPsk${n}|"`;
  const trace = (dst: string) => ['--src', '198.51.100.7', '--dst', dst, '--proto', 'tcp', '--dport', '5269'];
  return [
    {
      vendor: 'asa', fixtureDir: 'fixtures/asa/asa9', name: 'secrets.cfg',
      text: insertAfter(asa, /^names$/, asaSecrets),
      // A secret where a member of a group the access list uses belongs: the parse fails at that line.
      malformed: insertAfter(asa, /^object-group network LYNC-EDGE-EXT$/, [' pre-shared-key CnryAsaBad29']),
      trace: [...trace('10.10.0.10'), '--in', 'outside'],
      canaries: 29,
    },
    {
      vendor: 'fortigate', fixtureDir: 'fixtures/fortigate/policy-nat', name: 'secrets.conf',
      text: insertAfter(forti, /^config router bgp$/, ['    set as 65001', '    config neighbor', '        edit "192.0.2.9"', '            set password ENC CnryFgtBgp13', '        next', '    end']).replace(/^config router ospf$/m, ['config router ospf', '    config ospf-interface', '        edit "wan1-ospf"', '            set authentication-key ENC CnryFgtOspf14', '            config md5-keys', '                edit 1', '                    set key-string ENC CnryFgtOspf15', '                next', '            end', '        next', '    end'].join('\n')).replace(/^config firewall policy\n    edit 3$/m, `${fortiSecrets.join('\n')}\n${POLICY_WITH_SECRETS}`),
      // A secret setting after the last block: outside any block, the parse fails at that line.
      malformed: `${forti}\n    set psksecret ENC CnryFgtBad16\n`,
      trace: [...trace('203.0.113.10'), '--in', 'wan1', '--out', 'dmz'],
      canaries: 18,
    },
    {
      vendor: 'windows', fixtureDir: 'fixtures/windows', name: 'secrets.reg',
      text: `${reg}\n${PSK_SETS}\n${regPsk(1)}\n${regPsk(2)}\n"PreSharedKey"="CnryWinPsk3"\n`,
      // A string value with something after its closing quote: the error quotes the line.
      malformed: `${reg}\n${PSK_SETS}\n${regPsk(4)} trailing\n`,
      trace: [...trace('203.0.113.10'), '--direction', 'in', '--profile-name', 'Public'],
      canaries: 4,
    },
    {
      vendor: 'windows rule strings', fixtureDir: 'fixtures/windows', name: 'secrets.txt',
      // A rule carrying a pre-shared key (an unknown field): it opens a port no rule may, so it is quoted back.
      text: `${rules}\nv2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=23456|Name=Partner tunnel|Auth1PSK=CnryWinPsk5|\n`,
      // An authentication set among the rules: not a rule (no Action), the parse fails at that line.
      malformed: `${rules}\nv2.10|Name=Partner|1Method=PreSharedKey|1PreSharedKey=CnryWinPsk6|\n`,
      trace: [...trace('203.0.113.10'), '--direction', 'in', '--profile-name', 'Public'],
      canaries: 2,
    },
  ];
}

describe.each(cases())('$vendor: no secret in any output', (c) => {
  const dir = mkdtempSync(join(tmpdir(), `edge-audit-secrets-${c.vendor}-`));
  copyFileSync(join(repo, c.fixtureDir, 'edge-audit.json'), join(dir, 'edge-audit.json'));
  const file = join(dir, c.name);
  writeFileSync(file, c.text);
  const malformed = join(dir, `malformed-${c.name}`);
  writeFileSync(malformed, c.malformed);

  it('the inputs hold every canary, so the checks below can fail', () => {
    expect(leaked(c.text).length + leaked(c.malformed).length).toBe(c.canaries);
  });

  it('in every report format, the baseline and verbose stderr', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const r = run(['check', file, '-f', FORMATS, '-o', join(out, 'report'), '--create-baseline', join(out, 'baseline.json'), '-v', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const written = readdirSync(out);
    expect(written).toHaveLength(7); // six formats and the baseline
    for (const name of written) expect(leaked(readFileSync(join(out, name), 'utf8')), name).toEqual([]);
    expect(leaked(r.out)).toEqual([]);
    // Lines that held secrets are quoted (not understood, or evidence), redacted: the leak would have shown.
    const report = readFileSync(join(out, 'report.json'), 'utf8');
    if (c.vendor === 'asa') expect(report).toContain('password-encryption <redacted> <redacted>');
    if (c.vendor === 'fortigate') expect(report).toContain('set sso-credential <redacted>');
    if (c.vendor === 'windows rule strings') expect(report).toContain('Auth1PSK=<redacted>');
  }, TIMEOUT);

  it('on standard output, in the table and as JSON', () => {
    for (const format of ['table', 'json']) expect(leaked(run(['check', file, '-f', format, '--no-color']).out), format).toEqual([]);
  }, TIMEOUT);

  it('in trace, as text and as JSON', () => {
    for (const json of [[], ['--json']]) {
      const r = run(['trace', file, ...c.trace, ...json]);
      expect(r.code, r.stderr).toBe(0);
      expect(leaked(r.out)).toEqual([]);
    }
  }, TIMEOUT);

  it('on stderr when a line holding a secret is malformed: check and trace', () => {
    for (const args of [['check', malformed], ['trace', malformed, ...c.trace]]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(malformed);
      expect(leaked(r.out)).toEqual([]);
    }
  }, TIMEOUT);
});
