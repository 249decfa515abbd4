// The vocabulary every part shares: findings (one way to say what is wrong),
// and the small rules and helpers api/ folders use alike. Pure: no I/O.

// Findings, the typed result of every check, and the capped collector.
export { error, warning, child, hasErrors, checked } from './findings.ts';
export type { Finding, Severity, Checked } from './findings.ts';
export { FindingSink, leftOutFinding } from './finding-sink.ts';
// Narrowing untrusted JSON, and the one phrasing of type and range errors.
export { isPlainObject, describeType, typeError, readInteger } from './json-value.ts';
export type { IntRange } from './json-value.ts';
// User values in messages: escaped and cut short (admission responses, terminals).
export { quote, quoteValue, MAX_QUOTED_LENGTH } from './quote.ts';
// JSON text parsed with the line and column of a syntax error.
export { parseJsonText, readJsonText, locateJsonSyntaxError } from './json-text.ts';
export type { JsonParseResult, JsonSyntaxError } from './json-text.ts';
// UTF-8 byte length and size limits.
export { utf8Length, exceedsBytes, sizeFinding } from './size.ts';
export type { SizeLimit } from './size.ts';
// Kubernetes object and Linux interface name rules.
export {
  DNS1123_LABEL_PATTERN,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  interfaceNameProblem,
} from './names.ts';
// "Did you mean" for misspelt keys and names.
export { suggestKey, didYouMean, labelLike } from './suggest.ts';
// Numeric limits shared by the schemas and the checks.
export { MTU_MIN, MTU_MAX, PORT_MIN, PORT_MAX, VNI_MAX } from './limits.ts';
// Rules shared by pod annotations and NAD configs: MACs, bandwidth, annotation values.
export { checkInterfaceMac } from './mac.ts';
export { BANDWIDTH_KEYS, checkBandwidthLimits, readBandwidthNumber } from './bandwidth.ts';
export type { BandwidthKey, BandwidthLimits } from './bandwidth.ts';
export { checkAnnotationValues } from './metadata.ts';
