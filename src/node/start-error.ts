// Operating errors that stop a node from starting, each with the reason the CLI maps to an exit code.

/** Why a node could not start; the CLI turns each reason into a distinct exit code. */
export type StartFailureReason = 'port_in_use' | 'data_dir_unusable' | 'data_dir_locked' | 'invalid_config';

export class NodeStartError extends Error {
  readonly reason: StartFailureReason;

  constructor(reason: StartFailureReason, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'NodeStartError';
    this.reason = reason;
  }
}

/** The errno code of a Node system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}
