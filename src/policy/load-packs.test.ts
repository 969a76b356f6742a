import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPacks, PackError } from './load-packs.js';
import type { PackRule, PolicyPack } from './pack.js';
import { presentOrSkip, sharedPath } from '../../test/helpers/shared.js';

const fromHere = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';

function pack(id: string): PolicyPack {
  const found = loadPacks().find((p) => p.id === id);
  if (!found) throw new Error(`pack ${id} not shipped`);
  return found;
}

function rule(p: PolicyPack, id: string): PackRule {
  const found = p.rules.find((r) => r.id === id);
  if (!found) throw new Error(`rule ${id} not in ${p.id}`);
  return found;
}

describe('shipped packs', () => {
  it('load from the package policies/ folder, sorted by id, skipping the schema', () => {
    expect(loadPacks().map((p) => p.id)).toEqual([SIP, XMPP]);
  });

  it('hold exactly the documented rules', () => {
    expect(pack(XMPP).rules.map((r) => r.id)).toEqual(['xmpp-s2s-in', 'xmpp-s2s-out', 'xmpp-gateway-to-edge']);
    expect(pack(SIP).rules.map((r) => r.id).sort()).toEqual(
      [
        'sip-federation-in',
        'sip-federation-out',
        'sip-client-in',
        'wlm-rtp-out',
        'wlm-stun-out',
        'wlm-stun-in',
        'xmpp-s2s-in',
        'xmpp-s2s-out',
        'xmpp-gateway-to-edge',
      ].sort(),
    );
  });

  it('mark only the Windows Live Messenger rules obsolete since 2013-03-15', () => {
    const obsolete = loadPacks().flatMap((p) => p.rules.filter((r) => r.obsoleteSince).map((r) => [r.id, r.obsoleteSince]));
    expect(obsolete).toEqual([
      ['wlm-rtp-out', '2013-03-15'],
      ['wlm-stun-out', '2013-03-15'],
      ['wlm-stun-in', '2013-03-15'],
    ]);
    for (const id of ['wlm-rtp-out', 'wlm-stun-out', 'wlm-stun-in']) {
      expect(rule(pack(SIP), id).condition?.features).toEqual(['publicIm']);
    }
  });

  it('model 23456 as TCP on the internal firewall, from the XMPP gateway on the Front End', () => {
    for (const p of [pack(XMPP), pack(SIP)]) {
      const gateway = rule(p, 'xmpp-gateway-to-edge');
      expect(gateway).toMatchObject({ protocol: 'tcp', ports: [23456], direction: 'internal', from: 'front-end', to: 'edge-internal' });
      expect(gateway.anyMayBe).toEqual(['front-end']);
      expect(p.roles.find((r) => r.id === 'front-end')?.zone).toBe('internal');
    }
  });

  it('offer the strict source-port form for the Live Messenger RTP range', () => {
    const rtp = rule(pack(SIP), 'wlm-rtp-out');
    expect(rtp).toMatchObject({ protocol: 'tcp', ports: [[50000, 59999]], to: 'live-messenger-clients' });
    expect(rtp.alternatives).toEqual([expect.objectContaining({ protocol: 'tcp', ports: [443], sourcePorts: [[50000, 59999]] })]);
  });

  it('gate each rule on the documented features', () => {
    const features = (p: PolicyPack) => Object.fromEntries(p.rules.map((r) => [r.id, r.condition?.features]));
    expect(features(pack(SIP))).toMatchObject({
      'sip-federation-in': ['sipFederation', 'publicIm'],
      'sip-federation-out': ['sipFederation', 'publicIm'],
      'sip-client-in': ['remoteUsers'],
      'xmpp-s2s-in': ['xmppFederation'],
    });
    expect(Object.values(features(pack(XMPP)))).toEqual([['xmppFederation'], ['xmppFederation'], ['xmppFederation']]);
  });

  it('pair each bidirectional row with its other direction', () => {
    const pairs = (p: PolicyPack) => p.rules.filter((r) => r.bidirectionalWith).map((r) => [r.id, r.bidirectionalWith]);
    expect(pairs(pack(SIP))).toEqual([
      ['sip-federation-in', 'sip-federation-out'],
      ['sip-federation-out', 'sip-federation-in'],
      ['wlm-stun-out', 'wlm-stun-in'],
      ['wlm-stun-in', 'wlm-stun-out'],
      ['xmpp-s2s-in', 'xmpp-s2s-out'],
      ['xmpp-s2s-out', 'xmpp-s2s-in'],
    ]);
  });

  const REFERENCE = sharedPath('reference', 'lync-edge-rules.json');
  it.skipIf(!presentOrSkip(REFERENCE, "the packs' check against the reference data"))("cite rows of their own page, with the reference data's citation and its protocol, ports and direction", () => {
    type Reference = { protocol: string; ports: unknown[]; direction: string; source: string; also_in?: string[] };
    const reference = readJson(REFERENCE) as Reference[];
    for (const p of loadPacks()) {
      for (const r of p.rules) {
        expect(r.source.technetId).toBe(p.source.technetId);
        expect(r.source.citation).toContain(`(TechNet ${p.source.technetId})`);
        expect(r.source.citation).toContain(`row ${r.source.row}`);
        const documented = reference.find((ref) => [ref.source, ...(ref.also_in ?? [])].includes(r.source.citation));
        expect(documented, `${p.id}/${r.id} citation`).toBeDefined();
        expect({ protocol: r.protocol, ports: r.ports, direction: r.direction }).toEqual({
          protocol: documented?.protocol,
          ports: documented?.ports,
          direction: documented?.direction,
        });
      }
    }
  });
});

describe('invalid packs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-audit-packs-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the shipped XMPP pack (rules: 0 s2s-in, 1 s2s-out, 2 gateway-to-edge), changed by `edit`. */
  function writePack(name: string, edit: (p: PolicyPack) => void): string {
    const p = readJson(fromHere(`../../policies/${XMPP}.json`)) as PolicyPack;
    edit(p);
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(p));
    return file;
  }

  function loadError(): PackError {
    try {
      loadPacks(dir);
    } catch (err) {
      if (err instanceof PackError) return err;
      throw err;
    }
    throw new Error('loadPacks accepted an invalid pack');
  }

  it('accepts an unchanged copy, and ignores schema files beside it', () => {
    writePack('copy.json', () => {});
    copyFileSync(fromHere('../../policies/policy-pack.schema.json'), join(dir, 'policy-pack.schema.json'));
    expect(loadPacks(dir).map((p) => p.id)).toEqual([XMPP]);
  });

  it.each<[string, (p: PolicyPack) => void, string]>([
    [
      'a wrong protocol',
      (p) => Object.assign(p.rules[2]!, { protocol: 'icmp' }),
      '/rules/2/protocol must be equal to one of the allowed values (tcp, udp)',
    ],
    ['a port out of range', (p) => (p.rules[0]!.ports = [70000]), '/rules/0/ports/0 must be <= 65535'],
    ['an unknown field', (p) => Object.assign(p.rules[1]!, { port: 5269 }), '/rules/1 must NOT have additional properties (port)'],
    [
      'a conditional rule without a condition',
      (p) => delete p.rules[0]!.condition,
      "/rules/0 must have required property 'condition'",
    ],
    ['a duplicate rule id', (p) => (p.rules[2]!.id = 'xmpp-s2s-in'), '/rules/2/id "xmpp-s2s-in" is already used by /rules/0'],
    ['an unknown role in from', (p) => (p.rules[2]!.from = 'xmpp-gateway'), '/rules/2/from "xmpp-gateway" is not a role of this pack'],
    ['an unknown role in anyMayBe', (p) => (p.rules[2]!.anyMayBe = ['director']), '/rules/2/anyMayBe/0 "director" is not a role of this pack'],
    ['a range with low > high', (p) => (p.rules[0]!.ports = [[5300, 5269]]), '/rules/0/ports/0 range 5300-5269 has low > high'],
    [
      'a direction that contradicts the zones',
      (p) => (p.rules[2]!.direction = 'inbound'),
      '/rules/2/direction "inbound" does not fit a flow from zone internal to zone edge-internal',
    ],
    [
      'a bidirectional partner that is not in the pack',
      (p) => (p.rules[2]!.bidirectionalWith = 'xmpp-edge-to-gateway'),
      '/rules/2/bidirectionalWith "xmpp-edge-to-gateway" is not another rule of this pack',
    ],
    [
      'a rule paired with itself',
      (p) => (p.rules[2]!.bidirectionalWith = 'xmpp-gateway-to-edge'),
      '/rules/2/bidirectionalWith "xmpp-gateway-to-edge" is not another rule of this pack',
    ],
    [
      'a one-sided bidirectional pairing',
      (p) => (p.rules[2]!.bidirectionalWith = 'xmpp-s2s-in'),
      '/rules/2/bidirectionalWith "xmpp-s2s-in" does not name "xmpp-gateway-to-edge" back',
    ],
    [
      'a bidirectional pairing of different flows',
      (p) => (p.rules[1]!.protocol = 'udp'),
      '/rules/0/bidirectionalWith "xmpp-s2s-out" is not the same tcp flow from access-edge to internet; ' +
        '/rules/1/bidirectionalWith "xmpp-s2s-in" is not the same udp flow from internet to access-edge',
    ],
    [
      'a citation of a table the pack does not list',
      (p) => (p.rules[1]!.source.table = 'External Interface'),
      '/rules/1/source/table "External Interface" is not listed in /source/tables',
    ],
  ])('rejects %s, naming the file and the problem', (_, edit, problem) => {
    const file = writePack('bad.json', edit);
    const error = loadError();
    expect(error.message).toBe(`${file}: ${problem}`);
    expect(error.file).toBe(file);
  });

  it('rejects a file that is not JSON', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"id": ');
    const { message } = loadError();
    expect(message.startsWith(`${file}: `)).toBe(true);
    expect(message).toMatch(/JSON/);
  });

  it('rejects two files declaring the same pack id', () => {
    writePack('a.json', () => {});
    const second = writePack('b.json', () => {});
    expect(loadError().message).toBe(`${second}: /id "${XMPP}" is already the id of ${join(dir, 'a.json')}`);
  });
});

describe('site profile schema', () => {
  const validate = new Ajv({ strict: true }).compile(readJson(fromHere('../../schemas/site-profile.schema.json')) as object);
  const example = {
    roles: { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
    interfaces: { eth0: 'internet', eth1: 'edge-external', eth2: 'edge-internal', eth3: 'internal' },
    packs: [XMPP, SIP],
    features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
  };

  it('accepts the documented example, the optional fields and IPv6 or range values', () => {
    expect(validate(example)).toBe(true);
    expect(validate({})).toBe(true);
    const full = {
      $schema: '../schemas/site-profile.schema.json',
      name: 'Contoso Edge',
      deviceRole: 'edge-host',
      ...example,
      roles: { ...example.roles, 'live-messenger-clients': ['2001:db8::/32', '198.51.100.1-198.51.100.20'] },
    };
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each<[string, object]>([
    ['an unknown interface zone', { ...example, interfaces: { eth0: 'dmz' } }],
    ['an unknown feature', { ...example, features: { ...example.features, voice: true } }],
    ['a non-boolean feature', { ...example, features: { publicIm: 'no' } }],
    ['an unknown device role', { ...example, deviceRole: 'router' }],
    ['an empty address list', { ...example, roles: { 'access-edge': [] } }],
    ['a role id that is not lowercase-hyphen', { ...example, roles: { AccessEdge: ['203.0.113.10'] } }],
    ['a host name instead of an address', { ...example, roles: { 'access-edge': ['edge.contoso.com'] } }],
    ['an unknown top-level field', { ...example, zones: {} }],
  ])('rejects %s', (_, profile) => {
    expect(validate(profile)).toBe(false);
  });
});
