// A single eon node: configuration, lifecycle, logging and the pid-file lock.
export { startNode } from './node.js';
export type { RunningNode } from './node.js';
export * from './config.js';
export { createJsonLogger, silentLogger, isLogLevel, LOG_LEVELS, LOG_FIELD_CHARS_MAX } from './log.js';
export type { Logger, LogLevel } from './log.js';
export { acquirePidFile, releasePidFile, readPidFile, processAlive, pidFilePath, PID_FILE_NAME } from './pid-file.js';
export { NodeStartError } from './start-error.js';
export type { StartFailureReason } from './start-error.js';
