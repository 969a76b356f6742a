// Preloaded into the CLI process by bench/run.mjs (`node --import <this file> bin/edge-audit …`).
// On exit it writes the process's peak resident set size, in KiB (process.resourceUsage().maxRSS),
// to the file named by EDGE_AUDIT_BENCH_RSS. Does nothing when that variable is unset.
import { writeFileSync } from 'node:fs';

const target = process.env.EDGE_AUDIT_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // a measurement aid must never change the CLI's exit code
    }
  });
}
