/**
 * `.wfw` files written by `netsh advfirewall export <file>`: the host's local firewall store saved as a registry
 * hive (regf.ts). Its root key (named with a GUID) holds the global settings; below it `FirewallRules` holds the
 * rule strings and `DomainProfile`, `StandardProfile` (= Private) and `PublicProfile` the profile settings, as
 * under `HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy`.
 * A value's "line" is its 1-based number in reading order (regf.ts).
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import type { WindowsFormatReader, WindowsPolicy } from './model.js';
import { HiveError, isHive, readHive } from './regf.js';
import { policyFromRegistry, registryValue } from './registry-policy.js';

const FORMAT = 'netsh advfirewall export (.wfw registry hive)';

export const wfwHiveReader: WindowsFormatReader = {
  format: FORMAT,

  detect({ bytes }: ExportFile): boolean {
    return bytes !== undefined && isHive(bytes);
  },

  read({ bytes, file }: ExportFile): WindowsPolicy {
    if (!bytes) throw new ParseError(file, undefined, 'a text file, not a registry hive');
    let hive;
    try {
      hive = readHive(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      if (e instanceof HiveError) throw new ParseError(file, undefined, e.message);
      throw e;
    }
    const keys = new Set(hive.values.map((v) => v.path.split('\\')[0]!.toLowerCase()));
    if (!['firewallrules', 'domainprofile', 'standardprofile', 'publicprofile'].some((k) => keys.has(k))) {
      throw new ParseError(file, undefined, 'registry hive holds no Windows Firewall rules or profiles (expected FirewallRules, DomainProfile, StandardProfile or PublicProfile below its root key)');
    }
    const values = hive.values.map((v) => registryValue('local', v.path, v.name, v.type, v.data, v.number));
    const policy = policyFromRegistry(FORMAT, file, values, 0);
    if (hive.clean) return policy;
    const dirty = { line: 0, level: 'warning' as const, message: 'the hive was not written out completely (its sequence numbers differ): settings may be missing' };
    return { ...policy, diagnostics: [dirty, ...policy.diagnostics] };
  },
};
