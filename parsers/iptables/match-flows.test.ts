import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { Ports } from '../../src/model/header-space.js';
import { MatchError, parseAddress, parsePortRange } from './match-flows.js';

describe('parseAddress', () => {
  it('agrees with AddressSet.parse on the IPv4 fast path', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ['0.0.0.0/0', '255.255.255.255/32', '10.1.2.3/8', '10.1.2.3/31', '192.0.2.1', '1.2.3.4/0', '203.0.113.10/31'];
    for (let k = 0; k < 300; k++) samples.push(`${next() % 256}.${next() % 256}.${next() % 256}.${next() % 256}/${next() % 33}`);
    for (const text of samples) expect(parseAddress(text).equals(AddressSet.parse(text)), text).toBe(true);
  });

  it('shares one set per address', () => {
    expect(parseAddress('198.51.100.7/32')).toBe(parseAddress('198.51.100.7/32'));
    expect(parseAddress('198.51.100.7/24')).toBe(parseAddress('198.51.100.0/24'));
  });

  it('never answers from its cache with the set of another address', () => {
    const texts = ['198.51.100.7/32', '198.51.100.7/31', '198.51.100.6/32', '198.51.100.7', '0.0.0.0/0', '0.0.0.0/32', '2001:db8::/32', '2001:db8::/33'];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) expect(parseAddress(text).equals(AddressSet.parse(text)), text).toBe(true);
    }
    expect(parseAddress('198.51.100.7/32')).not.toBe(parseAddress('198.51.100.7/31'));
  });

  it('leaves everything else to AddressSet.parse: masks, ranges, IPv6', () => {
    expect(parseAddress('10.0.0.0/255.255.0.0').toStrings()).toEqual(['10.0.0.0/16']);
    expect(parseAddress('10.0.0.1-10.0.0.2').toStrings()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseAddress('2001:db8::/32').toStrings()).toEqual(['2001:db8::/32']);
  });

  it('refuses malformed addresses with MatchError', () => {
    for (const bad of ['10.0.0.256', '10.0.0.1/', '10.0.0.1/33', '10.0.0.1/3x', '10.0.0', '10.0.0.0.0', 'host.example', '']) {
      expect(() => parseAddress(bad), bad).toThrow(MatchError);
    }
  });
});

describe('parsePortRange', () => {
  it('reads N, N:M, :M and N:', () => {
    expect(parsePortRange('443').equals(Ports.range(443))).toBe(true);
    expect(parsePortRange('0').equals(Ports.range(0))).toBe(true);
    expect(parsePortRange('65535').equals(Ports.range(65535))).toBe(true);
    expect(parsePortRange('50000:59999').equals(Ports.range(50000, 59999))).toBe(true);
    expect(parsePortRange(':1023').equals(Ports.range(0, 1023))).toBe(true);
    expect(parsePortRange('1024:').equals(Ports.range(1024, 65535))).toBe(true);
    expect(parsePortRange(':').isFull()).toBe(true);
  });

  it('shares one set per range, and never answers with the set of another range', () => {
    expect(parsePortRange('443')).toBe(parsePortRange('443'));
    expect(parsePortRange('1024:65535')).toBe(parsePortRange('1024:'));
    expect(parsePortRange('80:80')).toBe(parsePortRange('80'));
    const texts = ['80:90', '80:91', '81:90', '90', '0:90', ':90', '0:65535', '65535'];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        const [lo, hi] = text.split(':');
        const expected = Ports.range(lo ? Number(lo) : 0, hi === undefined ? Number(lo) : hi ? Number(hi) : 65535);
        expect(parsePortRange(text).equals(expected), text).toBe(true);
      }
    }
  });

  it('refuses anything else with MatchError', () => {
    for (const bad of ['', 'ssh', '65536', '-1', '1:2:3', '20:10', '1 ', '123456', '0x10']) {
      expect(() => parsePortRange(bad), bad).toThrow(MatchError);
    }
  });
});
