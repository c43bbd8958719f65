// The input functions of eon's types, as pg_type.typinput names them and regproc resolves them:
// PostgreSQL's own names and OIDs, so a driver's `typinput = 'array_in'::regproc` (pgjdbc's type
// cache) reads as it does there. They are catalog entries only: SQL cannot call them.

import type { TypeKind } from '../../src/types/index.js';

/** array_in: pg_type rows of array types name it (eon lists no array types, so none matches). */
const ARRAY_IN: readonly [string, number] = ['array_in', 750];

/** Each type's input function: name and PostgreSQL 15's OID. */
export const TYPE_INPUT_PROCS: Readonly<Partial<Record<TypeKind, readonly [string, number]>>> = {
  bool: ['boolin', 1242],
  int2: ['int2in', 38],
  int4: ['int4in', 42],
  int8: ['int8in', 460],
  float4: ['float4in', 200],
  float8: ['float8in', 214],
  numeric: ['numeric_in', 1701],
  text: ['textin', 46],
  varchar: ['varcharin', 1046],
  date: ['date_in', 1084],
  timestamp: ['timestamp_in', 1312],
  timestamptz: ['timestamptz_in', 1150],
  interval: ['interval_in', 1160],
  json: ['json_in', 321],
  jsonb: ['jsonb_in', 3806],
  uuid: ['uuid_in', 2952],
  bytea: ['byteain', 1244],
  time: ['time_in', 1143],
};

/** Every type-input procedure: name and OID (pg_proc lists them; regproc resolves them). */
export function typeInputProcs(): readonly (readonly [string, number])[] {
  const seen = new Map<string, number>([ARRAY_IN]);
  for (const proc of Object.values(TYPE_INPUT_PROCS)) if (proc !== undefined) seen.set(proc[0], proc[1]);
  return [...seen.entries()];
}

/** The OID of a type-input procedure by name, or null. */
export function typeInputProcOid(name: string): number | null {
  return typeInputProcs().find(([n]) => n === name)?.[1] ?? null;
}

/** The typinput OID of a type (0 when eon knows none). */
export function typeInputOid(kind: TypeKind): number {
  return TYPE_INPUT_PROCS[kind]?.[1] ?? 0;
}
