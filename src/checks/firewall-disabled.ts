import { originEvidence } from '../audit/result.js';
import { finding, type Check } from './check.js';

export const firewallDisabled: Check = {
  id: 'firewall-disabled',
  title: 'Firewall turned off',
  description:
    'The export turns the firewall off (a Windows Firewall profile with EnableFirewall off): every flow to and from the device is permitted, whatever its rules say. Critical on an Edge host, whose external interface then faces the Internet unfiltered; the flows this opens are reported by the other checks too.',
  defaultSeverity: 'critical',
  cites: 'Lync Server 2013 Edge port summaries: open only the documented ports on the Edge interfaces; Windows Firewall profile setting EnableFirewall ([MS-GPFAS] 2.2.3.1)',
  run({ ctx }) {
    const off = ctx.device.firewallOff;
    if (!off) return [];
    const where = ctx.device.partition ? `the ${ctx.device.partition.name} profile of ${ctx.device.file}` : ctx.device.name;
    const host = ctx.placement.deviceRole === 'edge-host';
    return [
      finding({
        check: this.id,
        severity: host ? this.defaultSeverity : 'high',
        citation: this.cites,
        file: ctx.device.file,
        flow: { protocol: 'any', from: 'any', to: ctx.device.partition?.name ?? ctx.device.name, src: ['any'], dst: ['any'], dport: 'any' },
        message: `The firewall is turned off in ${where} (line ${off.line}): every flow ${host ? 'to and from the Edge server, from the Internet included,' : 'through it'} is permitted, whatever the rules say.`,
        evidence: [originEvidence(off, 'permits')],
      }),
    ];
  },
};
