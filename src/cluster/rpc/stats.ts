// Counters of one PeerServer or PeerPool, kept as plain numbers and handed out as a snapshot object.

/** Why a frame, message or connection was refused, dropped or failed. */
export type RpcErrorReason =
  | 'bad_magic'
  | 'unsupported_version'
  | 'bad_kind'
  | 'bad_header'
  | 'frame_too_large'
  | 'malformed_body'
  | 'unexpected_frame'
  | 'duplicate_request_id'
  | 'handshake_failed'
  | 'handshake_timeout'
  | 'auth_failed'
  | 'unknown_type'
  | 'handler_error'
  | 'send_overflow'
  | 'socket_error'
  | 'connect_failed'
  | 'connection_lost'
  | 'timeout'
  | 'unmatched_response'
  | 'dropped_unreachable'
  | 'dropped_unknown_node'
  | 'dropped_invalid';

export interface RpcStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Requests sent (pool) or received (server). */
  requests: number;
  /** One-way messages sent (pool) or received (server). */
  messages: number;
  /** Requests awaiting a response (pool) or whose handler is running (server). */
  inFlight: number;
  connectionsOpen: number;
  connectionsTotal: number;
  /** Pool: connections re-established to an address that had one before. */
  reconnects: number;
  errors: Partial<Record<RpcErrorReason, number>>;
}

export class RpcCounters {
  readonly values: RpcStats = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    requests: 0,
    messages: 0,
    inFlight: 0,
    connectionsOpen: 0,
    connectionsTotal: 0,
    reconnects: 0,
    errors: {},
  };

  error(reason: RpcErrorReason): void {
    this.values.errors[reason] = (this.values.errors[reason] ?? 0) + 1;
  }

  snapshot(): RpcStats {
    return { ...this.values, errors: { ...this.values.errors } };
  }
}
