// The PostgreSQL wire protocol (v3) server: psql and drivers talk to eon sessions through it.
export { PgServer } from './server.js';
export type { PgServerOptions, Logger, LogLevel } from './server.js';
export { MESSAGE_BYTES_MAX } from './limits.js';
export { PASSWORD_METHODS, PASSWORD_METHOD_DEFAULT, isPasswordMethod } from './password-auth.js';
export type { PasswordMethod } from './password-auth.js';
export { loadTlsCredentials } from './tls.js';
export type { TlsCredentials, TlsFiles } from './tls.js';
