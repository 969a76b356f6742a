/**
 * CLIXML, PowerShell's serialization (`Get-NetFirewallRule | Export-Clixml rules.xml`): recognized so that it is
 * refused with the command that exports what an audit needs. A rule object of Get-NetFirewallRule holds its name,
 * direction, action and profiles, but its ports and addresses live in separate filter objects
 * (Get-NetFirewallPortFilter, Get-NetFirewallAddressFilter) that Export-Clixml does not follow.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import type { WindowsFormatReader, WindowsPolicy } from './model.js';
import { EXPORT_COMMAND } from './powershell.js';

const CLIXML_NS = 'http://schemas.microsoft.com/powershell/2004/04';
const ROOT = /^\s*(?:<\?xml[^>]*\?>\s*)?<Objs\s[^>]*xmlns\s*=\s*["']([^"']+)["']/;

export const clixmlReader: WindowsFormatReader = {
  format: 'PowerShell CLIXML',

  detect({ text }: ExportFile): boolean {
    return ROOT.exec(text.slice(0, 1024))?.[1] === CLIXML_NS;
  },

  read({ text, file }: ExportFile): WindowsPolicy {
    const what = text.includes('MSFT_NetFirewallRule')
      ? 'Get-NetFirewallRule objects (Export-Clixml), which carry no ports or addresses: those live in the port and address filter objects, which Export-Clixml does not follow'
      : 'PowerShell objects (Export-Clixml), not firewall rules with their ports and addresses';
    throw new ParseError(file, 1, `this CLIXML file holds ${what}, so it cannot be audited; export instead with: ${EXPORT_COMMAND}`);
  },
};
