// Limits of the REST API, each with its unit.

/** Largest accepted request body: 8 MiB. Larger bodies get 413 with the JSON error body. */
export const HTTP_BODY_BYTES_MAX = 8 * 1024 * 1024;
/** At most this many $n parameters, as PostgreSQL's Bind (an int16 count). */
export const HTTP_PARAMS_MAX = 65_535;
/** Fastify's own close is bounded by this when the caller gives no grace period. */
export const HTTP_CLOSE_GRACE_MS_DEFAULT = 5_000;
/** Idle keep-alive connections are closed after this long. */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * A JSON result of more rows than this is sent as its rows are produced (200 and the head first;
 * an error later cuts the response off, which the client sees as a truncated body). Up to it, the
 * result is complete before the response starts, and an error gets its status and JSON body.
 */
export const REST_STREAM_AFTER_ROWS = 10_000;
/** The media type of Arrow IPC streams, as clients ask for it in Accept. */
export const ARROW_STREAM_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';
