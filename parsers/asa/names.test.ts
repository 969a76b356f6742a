import { describe, expect, it } from 'vitest';
import { Ports } from '../../src/model/header-space.js';
import { icmpTypeNumber, ICMP, ICMP6, NameError, portNumber, protocolOf, readPortOperator } from './names.js';

const ports = (text: string) => Ports.format(readPortOperator(text.split(' '), 0).ports);

describe('Cisco port literals', () => {
  it('uses the ASA table, not IANA, where they differ', () => {
    expect(portNumber('sip')).toBe(5060);
    expect(portNumber('sqlnet')).toBe(1521);
    expect(portNumber('radius')).toBe(1645);
    expect(portNumber('kerberos')).toBe(750);
    expect(portNumber('aol')).toBe(5190);
  });
  it('reads the common names and plain numbers', () => {
    expect([portNumber('https'), portNumber('www'), portNumber('http'), portNumber('domain'), portNumber('ftp-data'), portNumber('5269')]).toEqual([443, 80, 80, 53, 20, 5269]);
  });
  it('refuses unknown names and out-of-range numbers', () => {
    expect(() => portNumber('dns')).toThrow(NameError);
    expect(() => portNumber('65536')).toThrow(NameError);
  });
});

describe('port operators', () => {
  it('eq, neq, lt, gt and range mean exactly what the ASA matches', () => {
    expect(ports('eq https')).toBe('443');
    expect(ports('neq 23456')).toBe('0-23455, 23457-65535');
    expect(ports('lt 1024')).toBe('0-1023');
    expect(ports('gt 1023')).toBe('1024-65535');
    expect(ports('range 50000 59999')).toBe('50000-59999');
    expect(ports('range sip 5061')).toBe('5060-5061');
  });
  it('reports how many words it used', () => {
    expect(readPortOperator(['eq', 'www', 'log'], 0).used).toBe(2);
    expect(readPortOperator(['range', '1', '2', 'log'], 0).used).toBe(3);
  });
  it('refuses operators that match nothing', () => {
    expect(() => readPortOperator(['lt', '0'], 0)).toThrow(NameError);
    expect(() => readPortOperator(['gt', '65535'], 0)).toThrow(NameError);
    expect(() => readPortOperator(['range', '10', '5'], 0)).toThrow(NameError);
    expect(() => readPortOperator(['eq'], 0)).toThrow(NameError);
  });
});

describe('protocols and ICMP types', () => {
  it('names, numbers and ip', () => {
    expect([protocolOf('tcp'), protocolOf('UDP'), protocolOf('esp'), protocolOf('ipsec'), protocolOf('pptp'), protocolOf('47')]).toEqual([6, 17, 50, 50, 47, 47]);
    expect(protocolOf('ip')).toBeUndefined();
    expect(() => protocolOf('tcp-udp')).toThrow(NameError);
  });
  it('ICMP and ICMPv6 each have their own type names', () => {
    expect(icmpTypeNumber('echo', ICMP)).toBe(8);
    expect(icmpTypeNumber('echo', ICMP6)).toBe(128);
    expect(icmpTypeNumber('unreachable', ICMP)).toBe(3);
    expect(icmpTypeNumber('packet-too-big', ICMP6)).toBe(2);
    expect(() => icmpTypeNumber('packet-too-big', ICMP)).toThrow(NameError);
  });
});
