// The PostgreSQL wire protocol (v3) server: psql and drivers talk to eon sessions through it.
export { PgServer } from './server.js';
export type { PgServerOptions, Logger, LogLevel } from './server.js';
export { MESSAGE_BYTES_MAX } from './limits.js';
