// NPWG namespace isolation defaults, shared by the pod reference checks (webhook,
// CLI) and the meta plugin config (operator, agent), so all agree with Multus.

/** Namespaces whose NADs every pod may use when isolation is on (Multus' default). */
export const DEFAULT_GLOBAL_NAMESPACES: readonly string[] = ['default'];
