/**
 * Loaded with `node --import` in front of a command the bench runs as a user would: at exit it
 * writes the process's own CPU time (Node's start included) and peak memory on stderr, on one
 * marked line. Written synchronously: the process is going away.
 */
import { writeSync } from 'node:fs';

// The mark measure.ts looks for (PROBE_MARK there): this file imports nothing, to cost nothing.
const PROBE_MARK = 'relais-bench-probe ';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(2, `\n${PROBE_MARK}${JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS })}\n`);
});
