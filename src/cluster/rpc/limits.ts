// Connection-level limits and timeouts of node-to-node RPC; each can be overridden per instance
// (tests run with small ones), these are the defaults.

import { FRAME_BYTES_MAX } from './frame.js';

/** Bytes queued for one connection (ours plus the socket's buffer) beyond which a send fails with peer_overloaded. */
export const SEND_QUEUE_BYTES_MAX = 32 * 1024 * 1024;
/** Requests one inbound connection may have running; at the limit the server stops reading that socket. */
export const IN_FLIGHT_REQUESTS_MAX = 256;
/** Default time a request may take, connect and handshake included. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** First retry delay after a failed connect; doubles per failure up to the max. */
export const RECONNECT_BACKOFF_MIN_MS = 50;
export const RECONNECT_BACKOFF_MAX_MS = 5_000;
/** TCP connect plus the authentication exchange, either side. */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/**
 * TCP keepalive probes start after this much silence, so a peer whose host vanished (no FIN, no
 * RST) is noticed by the kernel and its connection closed instead of lingering for hours.
 */
export const KEEPALIVE_INITIAL_DELAY_MS = 30_000;
/** After a connection-error frame, how long the closing side waits for it to flush before destroying. */
export const CLOSE_LINGER_MS = 200;

if (RECONNECT_BACKOFF_MIN_MS <= 0 || RECONNECT_BACKOFF_MAX_MS < RECONNECT_BACKOFF_MIN_MS) {
  throw new Error('reconnect backoff bounds must satisfy 0 < min ≤ max');
}
// A single frame may always be queued on an idle connection (see FramedSocket.write), so the queue
// bound only has to exceed a typical burst; it must not be so small that every large frame waits.
if (SEND_QUEUE_BYTES_MAX < FRAME_BYTES_MAX / 4) throw new Error('SEND_QUEUE_BYTES_MAX too small for FRAME_BYTES_MAX');
