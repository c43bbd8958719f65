// Which listen addresses only this machine can reach: a node that listens anywhere else needs a
// password (or, for the peer port, a cluster secret) unless the operator says --insecure.

import { isIPv4, isIPv6 } from 'node:net';

/** True for 127.0.0.0/8, ::1 (and its IPv4-mapped form) and "localhost"; false for anything a network can route to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}
