// Node-to-node RPC: one typed, versioned protocol of length-prefixed frames over persistent,
// mutually authenticated TCP connections, with binary attachments for Arrow IPC data.

export {
  FRAME_BYTES_MAX,
  FRAME_HEADER_BYTES,
  FRAME_KINDS,
  FRAME_MAGIC,
  FrameDecodeError,
  FrameDecoder,
  HANDSHAKE_FRAME_BYTES_MAX,
  RPC_PROTOCOL_VERSION,
  encodeFrame,
  type Frame,
  type FrameDecodeFailure,
  type FrameKind,
} from './frame.js';
export { encodeBody, decodeBody, MESSAGE_TYPE_CHARS_MAX } from './codec.js';
export { NONCE_BYTES, NODE_ID_CHARS_MAX, type AuthMode } from './handshake.js';
export {
  CLOSE_LINGER_MS,
  HANDSHAKE_TIMEOUT_MS,
  IN_FLIGHT_REQUESTS_MAX,
  KEEPALIVE_INITIAL_DELAY_MS,
  RECONNECT_BACKOFF_MAX_MS,
  RECONNECT_BACKOFF_MIN_MS,
  REQUEST_TIMEOUT_MS,
  SEND_QUEUE_BYTES_MAX,
} from './limits.js';
export type { RpcLogger } from './framed-socket.js';
export {
  PeerServer,
  RpcReply,
  type OneWayHandler,
  type PeerServerOptions,
  type RequestContext,
  type RequestHandler,
} from './peer-server.js';
export { PeerPool, type PeerPoolOptions, type RequestOptions } from './peer-pool.js';
export { parseAddress, type RpcResult } from './peer-connection.js';
export { rpcTransport, routeMessages } from './rpc-transport.js';
export type { RpcErrorReason, RpcStats } from './stats.js';
