// The vocabulary every part shares: findings (one way to say what is wrong),
// and the small rules and helpers api/ folders use alike. Pure: no I/O.

// Make findings, join field paths, tell whether any is an error, build a `{findings, value?}`.
export { error, warning, child, hasErrors, checked } from './findings.ts';
// A finding, its severity, and the `{findings, value?}` every resource check returns.
export type { Finding, Severity, Checked } from './findings.ts';
// Collect findings up to a cap, and the one finding that counts what was left out.
export { FindingSink, leftOutFinding } from './finding-sink.ts';
// Narrow untrusted JSON; the one phrasing of type and range errors.
export { isPlainObject, describeType, typeError, readInteger } from './json-value.ts';
// An inclusive integer range with the fix to offer outside it.
export type { IntRange } from './json-value.ts';
// A finding as one escaped line, `FIELD: MESSAGE; fix: FIX` (validate's output, admission denials).
export { escapeForLine, findingLine } from './finding-line.ts';
// User values in messages: escaped and cut short (admission responses, terminals).
export { quote, quoteValue, MAX_QUOTED_LENGTH } from './quote.ts';
// Parse JSON text; a syntax error names its line and column.
export { parseJsonText, readJsonText, locateJsonSyntaxError } from './json-text.ts';
// The result of parsing JSON text, and where and why it failed.
export type { JsonParseResult, JsonSyntaxError } from './json-text.ts';
// Keys set twice in one JSON object (exactly, or in case only as Go's encoding/json sees them).
export { findDuplicateKeys, describeJsonValueAt } from './json-duplicates.ts';
// One repeated key, and the scan's options and result.
export type { DuplicateKey, DuplicateKeyOptions, DuplicateKeyScan } from './json-duplicates.ts';
// UTF-8 byte length without Buffer, and the finding for text over a byte limit.
export { utf8Length, exceedsBytes, sizeFinding } from './size.ts';
// A byte limit with its label, reason and fix.
export type { SizeLimit } from './size.ts';
// Kubernetes object name and Linux interface name rules.
export {
  DNS1123_LABEL_PATTERN,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  interfaceNameProblem,
} from './names.ts';
// "Did you mean" for misspelt keys and names.
export { suggestKey, suggestName, didYouMean, labelLike } from './suggest.ts';
// Numeric limits shared by the schemas and the checks.
export { MTU_MIN, MTU_MAX, PORT_MIN, PORT_MAX, VNI_MAX } from './limits.ts';
// The MAC rule for an address an interface will carry.
export { checkInterfaceMac } from './mac.ts';
// The IP rules for an interface's own address and for a gateway, with their fixes.
export {
  interfaceAddressProblem,
  interfaceAddressFix,
  gatewayAddressProblem,
  gatewayAddressFix,
} from './interface-address.ts';
// The bandwidth plugin's rate and burst rules (pod annotations and NAD plugins).
export { BANDWIDTH_KEYS, checkBandwidthLimits, readBandwidthNumber } from './bandwidth.ts';
// The bandwidth keys and a set of limits.
export type { BandwidthKey, BandwidthLimits } from './bandwidth.ts';
// Annotation values must be strings, as the API server requires.
export { checkAnnotationValues } from './metadata.ts';
// Namespace isolation defaults (Multus'): the global namespaces.
export { DEFAULT_GLOBAL_NAMESPACES } from './isolation.ts';
