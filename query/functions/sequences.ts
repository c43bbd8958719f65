// Sequence functions: nextval, currval, setval, lastval. The counters live in the store
// (storage/sequences.ts); what currval and lastval read is the session's own (its last nextval).
// On a cluster of several nodes nextval is refused: blocks are not yet allocated through the
// consensus register, so two nodes could hand out the same value.

import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import { compilingEnvironment, type SessionIdentity, type SystemEnvironment } from '../catalog/environment.js';
import { SEQUENCE_OID_BASE } from '../catalog/column-rules-catalog.js';
import type { FunctionDef, ScalarImpl } from './definition.js';

/** Per session: the last value nextval returned per sequence, and the sequence of the last call. */
interface SessionSequences {
  readonly current: Map<string, bigint>;
  last: string | null;
}

const sessions = new WeakMap<SessionIdentity, SessionSequences>();

function sessionState(session: SessionIdentity): SessionSequences {
  let s = sessions.get(session);
  if (s === undefined) {
    s = { current: new Map(), last: null };
    sessions.set(session, s);
  }
  return s;
}

/** The sequence a text argument names: its name, or its OID as regclass gives it. */
function sequenceName(env: SystemEnvironment, text: string): string {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const name = env.store.sequences.nameOfId(Number(trimmed) - SEQUENCE_OID_BASE);
    if (name === undefined) throw new EonError('undefined_table', `could not open relation with OID ${trimmed}`);
    return name;
  }
  // 'public.s' and '"S"' as regclass reads them; schemas are not checked.
  const parts = trimmed.match(/^(?:(?:"[^"]*"|[^".]+)\.)?("(?:[^"]|"")*"|[^".]+)$/);
  const last = parts?.[1] ?? trimmed;
  const name = last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toLowerCase();
  const relationIsTable = env.store.getTable(name) !== undefined;
  if (!env.store.sequences.has(name)) {
    if (relationIsTable) throw new EonError('wrong_object_type', `"${name}" is not a sequence`);
    throw new EonError('undefined_table', `relation "${name}" does not exist`);
  }
  return name;
}

function refuseOnCluster(env: SystemEnvironment): void {
  if (env.cluster.view().members.length > 1) {
    throw new EonError('feature_not_supported', 'nextval is not supported on a cluster of several nodes yet: sequence values are not allocated through the cluster', {
      hint: 'Supply key values explicitly, or use a single node.',
    });
  }
}

function withSession(name: string, args: FunctionDef['args'], returns: FunctionDef['returns'], build: (env: SystemEnvironment) => ScalarImpl, strict = true): FunctionDef {
  return {
    name,
    args,
    returns,
    strict,
    volatile: true,
    make: () => {
      const env = compilingEnvironment();
      if (env === null) throw new EonError('feature_not_supported', `function ${name}() needs a session`);
      return build(env);
    },
  };
}

const textSequenceFunctions: readonly FunctionDef[] = [
  withSession('nextval', ['text'], 'int8', (env) => (a) => {
    const name = sequenceName(env, a[0] as string);
    refuseOnCluster(env);
    const v = env.store.sequences.next(name);
    const state = sessionState(env.session);
    state.current.set(name, v);
    state.last = name;
    return v;
  }),
  withSession('currval', ['text'], 'int8', (env) => (a) => {
    const name = sequenceName(env, a[0] as string);
    const v = sessionState(env.session).current.get(name);
    if (v === undefined) throw new EonError('object_not_in_prerequisite_state', `currval of sequence "${name}" is not yet defined in this session`);
    return v;
  }),
  withSession('lastval', [], 'int8', (env) => () => {
    const state = sessionState(env.session);
    const v = state.last === null ? undefined : state.current.get(state.last);
    if (state.last === null || v === undefined) throw new EonError('object_not_in_prerequisite_state', 'lastval is not yet defined in this session');
    if (!env.store.sequences.has(state.last)) throw new EonError('object_not_in_prerequisite_state', 'lastval is not yet defined in this session');
    return v;
  }),
  withSession('setval', ['text', 'int8'], 'int8', (env) => (a) => setval(env, a, true)),
  withSession('setval', ['text', 'int8', 'bool'], 'int8', (env) => (a) => setval(env, a, a[2] as boolean)),
];

/** nextval and friends by name, and by OID ('s'::regclass is an OID, int4, here). */
export const sequenceFunctions: readonly FunctionDef[] = [
  ...textSequenceFunctions,
  byOid('nextval', ['int4']),
  byOid('currval', ['int4']),
  byOid('setval', ['int4', 'int8']),
  byOid('setval', ['int4', 'int8', 'bool']),
];

function sequenceFunctionsByName(name: string, arity: number): FunctionDef {
  const d = textSequenceFunctions.find((f) => f.name === name && f.args.length === arity);
  if (d === undefined) throw new Error(`no ${name}/${arity}`);
  return d;
}

/** The overload of a text-named sequence function taking the sequence's OID instead. */
function byOid(name: string, args: FunctionDef['args']): FunctionDef {
  const textual = sequenceFunctionsByName(name, args.length);
  return { ...textual, args, make: (types) => {
    const impl = textual.make!(types);
    return (a) => impl([String(a[0]), ...a.slice(1)]);
  } };
}

function setval(env: SystemEnvironment, a: readonly Value[], called: boolean): Value {
  const name = sequenceName(env, a[0] as string);
  const v = env.store.sequences.set(name, a[1] as bigint, called);
  // PostgreSQL's setval leaves currval alone unless is_called: then currval is the value set.
  if (called) sessionState(env.session).current.set(name, v);
  return v;
}
