// The eon CLI's exit codes: each failure a script may want to tell apart has its own.

export const EXIT_CODES = {
  ok: 0,
  /** An unexpected failure (a bug, or an error during stop). */
  failure: 1,
  /** Unknown command or flag, or a flag value that does not parse. */
  usage: 2,
  /** The pg or http port is taken by another process. */
  portInUse: 3,
  /** The data directory cannot be created, written or opened. */
  dataDirUnusable: 4,
  /** The data directory's eon.pid names a running process. */
  dataDirLocked: 5,
  /** The configuration contradicts the stored data or the machine (partition count, host). */
  invalidConfig: 6,
  /** `eon status`: the node named by --http cannot be reached or gave no cluster view. */
  unreachable: 7,
  /** `eon node remove`: the node refused (the member is unknown there, or not dead). */
  refused: 8,
  /** `eon names register`: someone else holds the name; `eon names check`: the name is taken. */
  nameTaken: 9,
  /** `eon names …`: the node could not decide now (no majority 57P03, outcome unknown 40003, contended 40001, or another error). */
  nameUndecided: 10,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
