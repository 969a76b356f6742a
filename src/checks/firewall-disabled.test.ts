import { describe, expect, it } from 'vitest';
import { exportFromText } from '../../parsers/export-file.js';
import { auditWindows, EDGE_HOST, loadedProfile, regExport } from '../../test/helpers/windows.js';

const RULES = [
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|LPort=5061|LPort=5269|LA4=203.0.113.10|Name=Access Edge|',
  'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=5061|RPort=5269|LA4=203.0.113.10|Name=Federation out|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=23456|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=XMPP gateway|',
];
const on = { EnableFirewall: 1, DefaultInboundAction: 1, DefaultOutboundAction: 1 };
const file = (publicProfile: Record<string, number>) => exportFromText('edge.reg', regExport({ DomainProfile: on, PublicProfile: publicProfile }, RULES));
const findings = (text: ReturnType<typeof file>, name: string, deviceRole: 'edge-host' | 'network-firewall' = 'edge-host') =>
  auditWindows(text, loadedProfile({ ...EDGE_HOST, deviceRole }), name).findings.filter((f) => f.check === 'firewall-disabled');

describe('firewall-disabled', () => {
  it('is critical for the profile whose firewall is off on an Edge host, citing the EnableFirewall line', () => {
    const text = file({ ...on, EnableFirewall: 0 });
    const [f, ...rest] = findings(text, 'Public');
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('critical');
    expect(f!.message).toContain('the Public profile of edge.reg');
    const line = text.text.split('\r\n').indexOf('"EnableFirewall"=dword:00000000') + 1;
    expect(f!.evidence).toEqual([{ file: 'edge.reg', line, text: '"EnableFirewall"=dword:00000000', effect: 'permits' }]);
  });

  it('says nothing about a profile whose firewall is on', () => {
    expect(findings(file({ ...on, EnableFirewall: 0 }), 'Domain')).toEqual([]);
    expect(findings(file(on), 'Public')).toEqual([]);
  });

  it('is high where the device is not the Edge host itself', () => {
    expect(findings(file({ ...on, EnableFirewall: 0 }), 'Public', 'network-firewall').map((f) => f.severity)).toEqual(['high']);
  });

  it('comes with the internal-only ports the open profile exposes', () => {
    const a = auditWindows(file({ ...on, EnableFirewall: 0 }), loadedProfile(EDGE_HOST), 'Public');
    expect(a.findings.filter((f) => f.check === 'exposed-internal-port').map((f) => f.flow.dport).sort()).toEqual(['23456', '4443', '50001-50003', '5062', '8057']);
  });
});
