// Numeric limits that several resources share. The schemas in api/resources
// use these same constants, so the CRDs and the checks cannot disagree.

/** The IPv4 minimum MTU (RFC 791); the kernel refuses less. */
export const MTU_MIN = 68;
/** The largest MTU Linux accepts on these devices. */
export const MTU_MAX = 65535;
export const PORT_MIN = 1;
export const PORT_MAX = 65535;
/** VXLAN Network Identifiers are 24 bits. */
export const VNI_MAX = 16777215;
