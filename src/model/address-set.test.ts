import { describe, expect, it } from 'vitest';
import { AddressError, AddressSet, toPrefixes } from './address-set.js';

describe('AddressSet', () => {
  it('parses hosts, prefixes, dotted masks and ranges in both families', () => {
    expect(AddressSet.parse('10.1.2.3/8').toStrings()).toEqual(['10.0.0.0/8']);
    expect(AddressSet.parse('10.0.0.0/255.255.0.0').toStrings()).toEqual(['10.0.0.0/16']);
    expect(AddressSet.parse('192.0.2.10-192.0.2.13').toStrings()).toEqual(['192.0.2.10/31', '192.0.2.12/31']);
    expect(AddressSet.parse('2001:db8::1').toStrings()).toEqual(['2001:db8::1']);
    expect(AddressSet.parse('2001:db8::/32').families()).toEqual(['ipv6']);
  });
  it('rejects malformed addresses, reversed ranges and non-contiguous masks', () => {
    for (const bad of ['256.1.1.1', '10.0.0.0/33', '10.0.0.9-10.0.0.1', '10.0.0.0/255.0.255.0', 'edge', '10.0.0.1-2001:db8::1']) {
      expect(() => AddressSet.parse(bad), bad).toThrow(AddressError);
    }
  });
  it('complements within one family only', () => {
    const notTen = AddressSet.any('ipv4').subtract(AddressSet.parse('10.0.0.0/8'));
    expect(notTen.overlaps(AddressSet.parse('10.9.9.9'))).toBe(false);
    expect(notTen.overlaps(AddressSet.parse('11.0.0.1'))).toBe(true);
    expect(notTen.overlaps(AddressSet.parse('2001:db8::1'))).toBe(false);
  });
  it('keeps IPv4 and IPv6 apart in set algebra', () => {
    const both = AddressSet.parseAll(['203.0.113.10', '2001:db8:10::10']);
    expect(both.families()).toEqual(['ipv4', 'ipv6']);
    expect(both.intersect(AddressSet.any('ipv6')).toStrings()).toEqual(['2001:db8:10::10']);
    expect(AddressSet.any('ipv4').isAnyOfItsFamilies()).toBe(true);
    expect(both.isAnyOfItsFamilies()).toBe(false);
  });
  it('prints an interval as the fewest prefixes, or as a range when that takes many', () => {
    expect(toPrefixes(0n, 255n, 32)).toEqual([[0n, 24]]);
    expect(AddressSet.parse('10.0.0.1-10.0.0.254').toStrings()).toEqual(['10.0.0.1-10.0.0.254']);
    expect(AddressSet.any('ipv4').toString()).toBe('any IPv4');
    const many = AddressSet.parseAll(Array.from({ length: 30 }, (_, k) => `10.0.${k * 2}.1`));
    expect(many.toString()).toBe(`${Array.from({ length: 12 }, (_, k) => `10.0.${k * 2}.1`).join(', ')} and 18 more ranges`);
  });
});
