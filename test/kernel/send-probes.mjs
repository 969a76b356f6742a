// Sends one connection-opening packet per argument and exits; run by netns-lab.sh inside a namespace.
// Argument: "proto,src,dst,sport,dport" (proto tcp|udp). TCP: connect() from src:sport, which sends one SYN;
// the socket is dropped before the first retransmission (1 s), so exactly one SYN leaves. UDP: one datagram.
// Errors (EPERM from a local OUTPUT drop, ECONNREFUSED from a reset, ICMP unreachable) are expected and ignored:
// netns-lab.sh decides from netfilter counters, not from what the socket saw.
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';

const HOLD_MS = 400;
const open = [];

for (const arg of process.argv.slice(2)) {
  const [proto, src, dst, sport, dport] = arg.split(',');
  if (proto === 'tcp') {
    const s = connect({ host: dst, port: Number(dport), localAddress: src, localPort: Number(sport) });
    s.on('error', () => {});
    open.push(s);
  } else if (proto === 'udp') {
    const s = createSocket('udp4');
    s.on('error', () => {});
    s.bind({ address: src, port: Number(sport) }, () => s.send(Buffer.from('edge-audit kernel probe\n'), Number(dport), dst, () => {}));
    open.push(s);
  } else {
    process.stderr.write(`send-probes: unknown protocol in "${arg}"\n`);
    process.exitCode = 2;
  }
}

setTimeout(() => {
  for (const s of open) {
    if (typeof s.destroy === 'function') s.destroy();
    else s.close();
  }
  process.exit();
}, HOLD_MS);
