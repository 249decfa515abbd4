// Test helper, preloaded with `node --import` into a child `plexus` process:
// on exit, writes the process's peak resident set size (bytes) to the file
// named by PLEXUS_PEAK_RSS_FILE, so a test can hold the real binary to a memory bound.
import { writeFileSync } from 'node:fs';

const target = process.env['PLEXUS_PEAK_RSS_FILE'];
if (target !== undefined) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
