#!/usr/bin/env node
// Entry point of the `plexus` binary (npx plexus …).
import { runCli } from './main.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
