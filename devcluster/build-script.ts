// Running the project's build scripts from TypeScript: their progress lines
// (stderr) are passed on as they come, and their result is the NAME=value
// lines they print on stdout.
import { spawn } from 'node:child_process';

/** Parses the NAME=value lines a build script prints on stdout. */
export function parseScriptOutput(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) out.set(m[1], m[2]);
  }
  return out;
}

export interface ScriptOptions {
  env: NodeJS.ProcessEnv;
  /** Gets each stderr line as it comes. */
  progress: (line: string) => void;
  /** What the error says failed, e.g. "building the CNI plugins". */
  what: string;
}

/** Runs `bash script args…`; resolves with its NAME=value lines, rejects with the last stderr lines. */
export function runBuildScript(
  script: string,
  args: readonly string[],
  opts: ScriptOptions,
): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let buf = '';
    const tail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        opts.progress(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (buf !== '') tail.push(buf);
      if (code === 0) resolve(parseScriptOutput(stdout));
      else reject(new Error(`${opts.what} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}
