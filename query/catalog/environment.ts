// What system tables and session functions read besides the table catalog: the cluster, the
// session's identity and settings. Binding runs synchronously, so the environment of the
// session compiling a statement is held in one slot for exactly that call.

import type { Store } from '../../storage/index.js';
import type { ClusterInfoProvider } from './cluster-info.js';

/** The session a statement is compiled for. */
export interface SessionIdentity {
  readonly user: string;
  readonly database: string;
  /** A setting's current value (as SHOW prints it); undefined when unknown. */
  setting(name: string): string | undefined;
  /** SET from inside a statement (set_config); absent where the session offers none. */
  changeSetting?(name: string, value: string, local?: boolean): void;
}

export interface SystemEnvironment {
  readonly store: Store;
  readonly cluster: ClusterInfoProvider;
  readonly session: SessionIdentity;
}

/** Set while a statement is compiled; `used` records whether binding read it. */
let active: { env: SystemEnvironment; used: boolean } | null = null;

/**
 * Runs `compile` with `env` as the compiling session's environment. Returns whether anything
 * read it: such a statement holds this session's values (its user, settings, system-table
 * rows bound to it) and must not be shared with other sessions through the plan cache.
 */
export function withSystemEnvironment<R>(env: SystemEnvironment | undefined, compile: () => R): { result: R; sessionDependent: boolean } {
  if (env === undefined) return { result: compile(), sessionDependent: false };
  const outer = active;
  const slot = { env, used: false };
  active = slot;
  try {
    return { result: compile(), sessionDependent: slot.used };
  } finally {
    active = outer;
  }
}

/** The environment of the statement being compiled (marking it session-dependent), or null outside compilation. */
export function compilingEnvironment(): SystemEnvironment | null {
  if (active === null) return null;
  active.used = true;
  return active.env;
}
