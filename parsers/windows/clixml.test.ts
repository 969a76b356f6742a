import { describe, expect, it } from 'vitest';
import { exportFromBytes, exportFromText } from '../export-file.js';
import { parseErrorOf } from '../../test/helpers/parse-error.js';
import { clixmlReader } from './clixml.js';
import { EXPORT_COMMAND } from './powershell.js';

/** The start of `Get-NetFirewallRule | Export-Clixml rules.xml` (UTF-16LE with a BOM, as Export-Clixml writes). */
const CLIXML = [
  '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">',
  '  <Obj RefId="0">',
  '    <TN RefId="0">',
  '      <T>Microsoft.Management.Infrastructure.CimInstance#root/standardcimv2/MSFT_NetFirewallRule</T>',
  '      <T>Microsoft.Management.Infrastructure.CimInstance#MSFT_NetFirewallRule</T>',
  '      <T>Microsoft.Management.Infrastructure.CimInstance</T>',
  '      <T>System.Object</T>',
  '    </TN>',
  '    <ToString>MSFT_NetFirewallRule (Name = "CoreNet-DNS-Out-UDP", ...)</ToString>',
  '    <Props>',
  '      <S N="Name">CoreNet-DNS-Out-UDP</S>',
  '    </Props>',
  '  </Obj>',
  '</Objs>',
].join('\r\n');

describe('CLIXML', () => {
  const input = exportFromBytes('rules.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CLIXML, 'utf16le')]));

  it('is recognized by its namespace', () => {
    expect(clixmlReader.detect(input)).toBe(true);
    expect(clixmlReader.detect(exportFromText('x.xml', '<Objs Version="1.1.0.1" xmlns="urn:other">'))).toBe(false);
  });

  it('is refused at line 1: rule objects carry no ports or addresses; the message gives the command to run instead', () => {
    const error = parseErrorOf(() => clixmlReader.read(input));
    expect(error).toMatchObject({ line: 1, message: expect.stringMatching(/Get-NetFirewallRule objects.*carry no ports or addresses/) });
    expect(error.message).toContain(EXPORT_COMMAND);
  });
});
