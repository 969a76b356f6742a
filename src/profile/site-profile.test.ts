import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile, ProfileError } from './site-profile.js';

function write(profile: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edge-audit-profile-')), 'edge-audit.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('site profile: Windows Firewall fields', () => {
  it('parses address keywords and keeps the firewall profile to audit', () => {
    const loaded = loadProfile(write({ deviceRole: 'edge-host', firewallProfile: 'Public', addressKeywords: { LocalSubnet: ['203.0.113.0/24', '10.10.1.0/24'], DNS: ['192.0.2.53'] } }));
    expect(loaded.profile.firewallProfile).toBe('Public');
    expect([...loaded.addressKeywords!].map(([k, v]) => [k, v.toStrings()])).toEqual([
      ['LocalSubnet', ['10.10.1.0/24', '203.0.113.0/24']],
      ['DNS', ['192.0.2.53']],
    ]);
  });

  it('names the keyword of an address it cannot read, and refuses a profile name Windows does not have', () => {
    expect(() => loadProfile(write({ addressKeywords: { LocalSubnet: ['10.0.0.300/24'] } }))).toThrow(ProfileError);
    expect(() => loadProfile(write({ addressKeywords: { LocalSubnet: ['10.0.0.300/24'] } }))).toThrow('/addressKeywords/LocalSubnet: invalid address "10.0.0.300/24"');
    expect(() => loadProfile(write({ firewallProfile: 'Home' }))).toThrow(/firewallProfile/);
  });
});
