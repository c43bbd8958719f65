// The wire protocol's limits and fixed numbers, each named with its unit.

/** Largest frame a client may send; PostgreSQL's own cap for ordinary messages is 1 GiB, ours is lower. */
export const MESSAGE_BYTES_MAX = 64 * 1024 * 1024; // 64 MiB
/** Largest startup packet (PostgreSQL's MAX_STARTUP_PACKET_LENGTH). */
export const STARTUP_BYTES_MAX = 10_000;
/** Once this much output is buffered mid-result, it is written to the socket (rows keep streaming). */
export const OUTPUT_FLUSH_BYTES = 64 * 1024; // 64 KiB
/** Initial size of a connection's output buffer; it grows by doubling. */
export const OUTPUT_BUFFER_BYTES_INITIAL = 16 * 1024; // 16 KiB
/** Output buffers larger than this are dropped back to the initial size after a flush. */
export const OUTPUT_BUFFER_BYTES_RETAINED = 1024 * 1024; // 1 MiB
/** Initial size of a connection's input buffer for frames that span chunks. */
export const INPUT_BUFFER_BYTES_INITIAL = 16 * 1024; // 16 KiB
/** Reading from a socket pauses while this many parsed messages wait for the session. */
export const QUEUED_MESSAGES_MAX = 1024;
/** Prepared statements one connection may hold at once. */
export const STATEMENTS_PER_CONNECTION_MAX = 10_000;
/** Open portals one connection may hold at once. */
export const PORTALS_PER_CONNECTION_MAX = 1_000;
/** Parameters in one Bind (the protocol's int16 count). */
export const PARAMS_MAX = 65_535;
/** Default time `close()` lets in-flight queries finish before connections are cut. */
export const CLOSE_GRACE_MS_DEFAULT = 5_000;
/** A connection that has not finished startup and authentication by then is dropped. */
export const AUTH_TIMEOUT_MS = 60_000;
/** SCRAM-SHA-256 iteration count (PostgreSQL's default scram_iterations). */
export const SCRAM_ITERATIONS = 4096;

/** Startup-phase request codes (the int32 after the length). */
export const PROTOCOL_V3 = 196608; // 3 << 16
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
