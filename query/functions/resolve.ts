// PostgreSQL's function overload resolution (parse_func.c: func_get_detail / func_select_candidate)
// restricted to eon's types: pure functions over type kinds, no catalog access.

import type { TypeKind } from '../../src/types/index.js';

/** pg_type.typcategory of each kind. */
export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'X';

const CATEGORY: Readonly<Record<TypeKind, TypeCategory>> = {
  bool: 'B',
  int2: 'N',
  int4: 'N',
  int8: 'N',
  float4: 'N',
  float8: 'N',
  numeric: 'N',
  text: 'S',
  varchar: 'S',
  date: 'D',
  timestamp: 'D',
  timestamptz: 'D',
  interval: 'T',
  json: 'U',
  jsonb: 'U',
  uuid: 'U',
  bytea: 'U',
  time: 'D',
  unknown: 'X',
};

/** pg_type.typispreferred: one preferred type per category. */
const PREFERRED: ReadonlySet<TypeKind> = new Set<TypeKind>(['bool', 'float8', 'text', 'timestamptz', 'interval']);

/** pg_cast entries with castcontext 'i' between eon's kinds (unknown coerces to anything). */
const IMPLICIT: Readonly<Record<TypeKind, readonly TypeKind[]>> = {
  bool: [],
  int2: ['int4', 'int8', 'float4', 'float8', 'numeric'],
  int4: ['int8', 'float4', 'float8', 'numeric'],
  int8: ['float4', 'float8', 'numeric'],
  float4: ['float8'],
  float8: [],
  numeric: ['float4', 'float8'],
  text: ['varchar'],
  varchar: ['text'],
  date: ['timestamp', 'timestamptz'],
  timestamp: ['timestamptz'],
  timestamptz: [],
  interval: [],
  json: [],
  jsonb: [],
  uuid: [],
  bytea: [],
  time: ['interval'],
  unknown: [],
};

export function typeCategory(k: TypeKind): TypeCategory {
  return CATEGORY[k];
}

export function isPreferredType(k: TypeKind): boolean {
  return PREFERRED.has(k);
}

/** can_coerce_type in COERCION_IMPLICIT context for one argument. */
export function canCoerceImplicitly(from: TypeKind, to: TypeKind): boolean {
  return from === to || from === 'unknown' || IMPLICIT[from].includes(to);
}

export type Resolution<C> =
  | { readonly kind: 'found'; readonly candidate: C }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous' };

/**
 * Picks the overload PostgreSQL would pick for `inputs` among `candidates` of the right arity;
 * `argsOf` reads a candidate's declared argument kinds.
 */
export function selectCandidate<C>(
  candidates: readonly C[],
  argsOf: (c: C) => readonly TypeKind[],
  inputs: readonly TypeKind[],
): Resolution<C> {
  const n = inputs.length;
  const sameArity = candidates.filter((c) => argsOf(c).length === n);
  const exact = sameArity.find((c) => argsOf(c).every((t, i) => t === inputs[i]));
  if (exact !== undefined) return { kind: 'found', candidate: exact };
  let current = sameArity.filter((c) => argsOf(c).every((t, i) => canCoerceImplicitly(at(inputs, i), t)));
  if (current.length === 0) return { kind: 'none' };
  if (current.length === 1) return found(current);

  // Most exact matches on known-type arguments.
  current = keepBest(current, (c) => countPositions(argsOf(c), inputs, (t, input) => t === input));
  if (current.length === 1) return found(current);

  // Most positions taking the preferred type of the input's category, or the input type itself.
  current = keepBest(current, (c) =>
    countPositions(argsOf(c), inputs, (t, input) => t === input || (isPreferredType(t) && CATEGORY[t] === CATEGORY[input])),
  );
  if (current.length === 1) return found(current);

  const byUnknowns = resolveUnknownCategories(current, argsOf, inputs);
  if (byUnknowns.length === 1) return found(byUnknowns);
  current = byUnknowns;

  // Unknowns beside arguments of one single known type: assume they are of that type too.
  const known = inputs.filter((t) => t !== 'unknown');
  const first = known[0];
  if (first !== undefined && known.length < n && known.every((t) => t === first)) {
    const fits = current.filter((c) => argsOf(c).every((t) => canCoerceImplicitly(first, t)));
    if (fits.length === 1) return found(fits);
  }
  return { kind: 'ambiguous' };
}

function at(inputs: readonly TypeKind[], i: number): TypeKind {
  const t = inputs[i];
  if (t === undefined) throw new Error(`argument ${i} out of range`);
  return t;
}

function found<C>(list: readonly C[]): Resolution<C> {
  const c = list[0];
  return c === undefined ? { kind: 'none' } : { kind: 'found', candidate: c };
}

function countPositions(
  args: readonly TypeKind[],
  inputs: readonly TypeKind[],
  matches: (declared: TypeKind, input: TypeKind) => boolean,
): number {
  let count = 0;
  for (let i = 0; i < args.length; i++) {
    const input = at(inputs, i);
    if (input !== 'unknown' && matches(at(args, i), input)) count++;
  }
  return count;
}

/** Keeps the candidates with the highest score, or all of them when none scores. */
function keepBest<C>(list: readonly C[], score: (c: C) => number): C[] {
  let best = -1;
  let kept: C[] = [];
  for (const c of list) {
    const s = score(c);
    if (s > best) {
      best = s;
      kept = [c];
    } else if (s === best) kept.push(c);
  }
  return kept;
}

/**
 * For each unknown input, the category the remaining candidates agree on (string wins a
 * conflict) and its preferred type; candidates that disagree are dropped. Returns the input list
 * unchanged when a conflict cannot be settled or nothing would survive.
 */
function resolveUnknownCategories<C>(
  list: readonly C[],
  argsOf: (c: C) => readonly TypeKind[],
  inputs: readonly TypeKind[],
): C[] {
  const wanted: { index: number; category: TypeCategory; preferred: boolean }[] = [];
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i] !== 'unknown') continue;
    let category: TypeCategory | undefined;
    let preferred = false;
    let conflict = false;
    for (const c of list) {
      const t = at(argsOf(c), i);
      const cat = CATEGORY[t];
      if (category === undefined) {
        category = cat;
        preferred = isPreferredType(t);
      } else if (cat === category) {
        preferred ||= isPreferredType(t);
      } else if (cat === 'S') {
        category = cat;
        preferred = isPreferredType(t);
      } else {
        conflict = true;
      }
    }
    if (category === undefined || (conflict && category !== 'S')) return [...list];
    wanted.push({ index: i, category, preferred });
  }
  if (wanted.length === 0) return [...list];
  const kept = list.filter((c) =>
    wanted.every(({ index, category, preferred }) => {
      const t = at(argsOf(c), index);
      return CATEGORY[t] === category && (!preferred || isPreferredType(t));
    }),
  );
  return kept.length === 0 ? [...list] : kept;
}
