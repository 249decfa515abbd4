// Named health checks run as the Kubernetes API server runs its own: every check with a
// deadline, "[+]name ok" / "[-]name failed: reason" lines, 200 only when all pass.
export type CheckResult = true | string;
/** A check resolves true when healthy, or a short reason when not; a throw counts as a failure. */
export type HealthCheck = () => CheckResult | Promise<CheckResult>;

export interface CheckReport {
  ok: boolean;
  /** One line per check, in name order. */
  lines: string[];
}

const CHECK_TIMEOUT_MS = 5000;

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the checks (all of them, or only `only`) concurrently. */
export async function runChecks(
  checks: Readonly<Record<string, HealthCheck>>,
  opts: { only?: string; timeoutMs?: number } = {},
): Promise<CheckReport> {
  const names = Object.keys(checks)
    .filter((n) => opts.only === undefined || n === opts.only)
    .sort();
  const results = await Promise.all(
    names.map((n) => runOne(checks[n] as HealthCheck, opts.timeoutMs ?? CHECK_TIMEOUT_MS)),
  );
  const lines = names.map((n, i) => {
    const r = results[i];
    // Reasons go to a probe's log: one line each, bounded.
    return r === true
      ? `[+]${n} ok`
      : `[-]${n} failed: ${String(r).replace(/\s+/g, ' ').slice(0, 200)}`;
  });
  return { ok: results.every((r) => r === true), lines };
}
