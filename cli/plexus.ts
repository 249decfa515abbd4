#!/usr/bin/env node
// Entry point of the `plexus` binary (npx plexus …). Whatever escapes runCli
// still ends as one line and exit code 2, never a stack trace.
import { EXIT_USAGE, runCli } from './main.ts';

function die(e: unknown): never {
  // A reader that went away (`plexus validate … | head`) needs no message.
  if ((e as NodeJS.ErrnoException | undefined)?.code !== 'EPIPE') {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`plexus: internal error: ${message.split('\n')[0] ?? ''}\n`);
  }
  process.exit(EXIT_USAGE);
}

process.on('uncaughtException', die);
process.on('unhandledRejection', die);
process.stdout.on('error', die);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
