import { describe, expect, it } from 'vitest';
import { isRuleString, parseRuleString, RuleStringError } from './rule-string.js';

const at = { line: 7, text: 'x' };
const parse = (text: string, name?: string) => parseRuleString(text, at, name);

describe('parseRuleString', () => {
  it('reads every field of a typical rule, with the value name as id', () => {
    const r = parse(
      'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Private|Profile=Public|LPort=5269|LPort=5061|RA4=198.51.100.0/24|LA4=203.0.113.10|App=%SystemRoot%\\x.exe|Svc=RTCSRV|Name=XMPP in|Desc=partners|EmbedCtxt=Lync|',
      '{C245295B-F872-4582-8D46-4D16FC51C59C}',
    );
    expect(r).toMatchObject({
      id: '{C245295B-F872-4582-8D46-4D16FC51C59C}',
      displayName: 'XMPP in',
      description: 'partners',
      action: 'allow',
      direction: 'in',
      enabled: true,
      profiles: ['Private', 'Public'],
      protocol: '6',
      localPorts: ['5269', '5061'],
      remotePorts: [],
      localAddresses: ['203.0.113.10'],
      remoteAddresses: ['198.51.100.0/24'],
      program: '%SystemRoot%\\x.exe',
      service: 'RTCSRV',
      edgeTraversal: false,
      conditions: [],
      unknownKeys: [],
      source: at,
    });
  });

  it('merges versioned keys with their base key and marks keywords with the family of their key', () => {
    const r = parse('v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=80|RPort2_10=49152-65535|RPort2_10=IPTLSOut|RA4=LocalSubnet|RA6=LocalSubnet|RA42=IntrAnet|RA62=fe80::/64|LPort2_24=mDNS|Name=n|');
    expect(r.remotePorts).toEqual(['80', '49152-65535', 'IPTLSOut']);
    expect(r.localPorts).toEqual(['mDNS']);
    expect(r.remoteAddresses).toEqual(['LocalSubnet4', 'IntrAnet4', 'LocalSubnet6', 'fe80::/64']);
  });

  it('reads Block and ByPass, Out, disabled rules, and a rule without Active as inactive (MS-GPFAS 2.2.2.19)', () => {
    expect(parse('v2.30|Action=Block|Active=FALSE|Dir=Out|Name=b|')).toMatchObject({ action: 'block', direction: 'out', enabled: false });
    expect(parse('v2.30|Action=ByPass|Active=TRUE|Dir=In|Security=AuthenticateEncrypt|Name=b|').action).toBe('allow-bypass');
    expect(parse('v2.30|Action=Allow|Dir=In|Name=n|').enabled).toBe(false);
  });

  it('reads edge traversal from Edge=TRUE and from Defer (the app or user decides)', () => {
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Edge=TRUE|Name=n|').edgeTraversal).toBe(true);
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Edge=TRUE|Defer=App|Name=n|')).toMatchObject({ edgeTraversal: true, unknownKeys: [] });
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Defer=User|Name=n|').edgeTraversal).toBe(true);
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Edge=FALSE|Name=n|').edgeTraversal).toBe(false);
  });

  it('keeps scope fields as scope and turns what no export settles into conditions', () => {
    const r = parse(
      'v2.26|Action=Allow|Active=TRUE|Dir=In|Profile=Public|Security=Authenticate|Platform=2:6:2|Platform2=GTEQ|TTK2_22=WFDPrint|LUOwn=S-1-5-21-1|AppPkgId=S-1-15-2-1|IFType=Wireless|Name=n|',
    );
    expect(r.package).toBe('S-1-15-2-1');
    expect(r.localUsers).toBe('owner S-1-5-21-1');
    expect(r.interfaces).toEqual(['Wireless']);
    expect(r.conditions).toEqual([
      'allows only IPsec-secured connections (Security=Authenticate): whether a peer authenticates is not in the export',
      'applies only on some Windows versions (Platform=2:6:2, GTEQ): the export does not say which version the host runs',
      'applies only to the trust tuples WFDPrint (TTK)',
    ]);
  });

  it('treats Profile=Any and no Profile as every profile', () => {
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Profile=Any|Name=n|').profiles).toEqual([]);
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Name=n|').profiles).toEqual([]);
  });

  it('keeps keys it does not know, and passes over those that carry nothing about matching', () => {
    const r = parse('v2.30|Action=Allow|Active=TRUE|Dir=In|LSM=TRUE|SkipVer=2.10|Frobnicate=1|Name=n|');
    expect(r.unknownKeys).toEqual(['Frobnicate']);
  });

  it('uses the Name when there is no value name', () => {
    expect(parse('v2.30|Action=Allow|Active=TRUE|Dir=In|Name=Lync|').id).toBe('Lync');
  });

  it.each([
    ['Action=Allow|Dir=In|', 'not a firewall rule string'],
    ['v2.30|Action=Allow|Active=TRUE|Name=n|', 'no valid Dir'],
    ['v2.30|Active=TRUE|Dir=In|Name=n|', 'no valid Action'],
    ['v2.30|Action=Allow|Action=Block|Dir=In|', 'Action is given twice'],
    ['v2.30|Action=Allow|Dir=In|Profile=Home|', 'unknown profile "Home"'],
    ['v2.30|Action=Allow|Dir=In|LPort|', 'is not Key=Value'],
    ['v2.30|Action=Allow|Dir=In|Active=YES|', 'not TRUE or FALSE'],
  ])('refuses %s', (text, message) => {
    expect(() => parse(text)).toThrow(RuleStringError);
    expect(() => parse(text)).toThrow(message);
  });

  it('recognizes a rule string by its version prefix', () => {
    expect(isRuleString('v2.10|Action=Allow|')).toBe(true);
    expect(isRuleString('Windows Registry Editor Version 5.00')).toBe(false);
  });
});
