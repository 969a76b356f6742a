import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';
import { DistinctAddresses } from './spaces.js';

describe('DistinctAddresses', () => {
  it('gives spaces with equal addresses, however they were made, the same address set objects', () => {
    const distinct = new DistinctAddresses();
    const web = AddressSet.parse('10.0.0.0/24');
    const first = distinct.space(headerSpace({ src: web, dst: AddressSet.parse('192.0.2.1') }));
    const again = distinct.space(headerSpace({ src: AddressSet.parse('10.0.0.0-10.0.0.127').union(AddressSet.parse('10.0.0.128/25')), dst: AddressSet.parse('192.0.2.0/31').subtract(AddressSet.parse('192.0.2.0')), dport: Ports.range(443, 443), proto: Protocols.only(6) }));
    expect(again.src).toBe(first.src);
    expect(again.dst).toBe(first.dst);
    expect(again.dport.equals(Ports.range(443, 443))).toBe(true);
    expect(again.proto.equals(Protocols.only(6))).toBe(true);
  });

  it('keeps sets that differ apart, IPv4 from IPv6 included, and returns a space unchanged when it holds the shared sets', () => {
    const distinct = new DistinctAddresses();
    const v4 = distinct.space(headerSpace({ src: AddressSet.any('ipv4'), dst: AddressSet.parse('10.0.0.1') }));
    const v6 = distinct.space(headerSpace({ src: AddressSet.any('ipv6'), dst: AddressSet.parse('10.0.0.2') }));
    expect(v6.src).not.toBe(v4.src);
    expect(v6.src.equals(AddressSet.any('ipv6'))).toBe(true);
    expect(v6.dst.equals(AddressSet.parse('10.0.0.2'))).toBe(true);
    expect(distinct.space(v4)).toBe(v4);
  });
});
