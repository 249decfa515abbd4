// Helpers for tests of lib/ and of the parts built on it (never imported by product code).
/** createTestCa / issueTestCert: openssl-made CA and leaf certificates for 127.0.0.1. */
export { createTestCa, issueTestCert } from './certs.ts';
/** TestCa / TestLeaf: their file paths (and the leaf's serial). */
export type { TestCa, TestLeaf } from './certs.ts';
/** startTcpProxy(target): a proxy that can cut all its connections or refuse new ones. */
export { startTcpProxy } from './tcp-proxy.ts';
/** TcpProxy: the running proxy. */
export type { TcpProxy } from './tcp-proxy.ts';
