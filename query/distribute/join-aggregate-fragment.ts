// The kernel of a join pipeline (see join-pipeline.ts) and its build sides: each build side's
// rows become a hash table and value columns sent to the data engines with the kernel, which
// probes them per fact row and aggregates the joined rows into partials.

import { Numeric, T, type ColumnType, type Value } from '../../src/types/index.js';
import { physicalOf, valueAt, type ColumnVector, type PartialArrays } from '../../storage/index.js';
import { keyFilterPredicate, type ScanBatches } from './scan-fragment.js';
import type { KeyFilter } from './join-key-filter.js';
import { compileExpr, type Row } from '../execute/compile-expr.js';
import { CANCEL_CHECK_ROWS, type ExecContext } from '../execute/context.js';
import { columnsUsed, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { aggregateKernel, type AggregateKernel } from './aggregate-fragment.js';
import type { JoinPipeline } from './join-pipeline.js';
import { HASH_MUL_1, HASH_MUL_2, Int32Groups, type Int32Table } from './int32-groups.js';
import { KernelBuilder, NUMERIC_SCALE_MAX, type KernelValue } from './kernel-expr.js';

/** How a build value travels: numbers, bigints, strings or booleans (as 1/0), as a kernel reads them. */
type BuildRep = KernelValue['rep'];

/** A kernel argument only known once the build sides ran: replaced by the data before the kernel is sent. */
export interface BuildArg {
  readonly buildArg: 'table' | 'values' | 'nulls';
  readonly build: number;
  /** For values and nulls: the build value's index in its side's `values`. */
  readonly value: number;
}

function isBuildArg(a: unknown): a is BuildArg {
  return typeof a === 'object' && a !== null && 'buildArg' in a;
}

function repOf(t: ColumnType): BuildRep | null {
  switch (t.kind) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'numeric':
      return 'num';
    case 'int8':
      return 'big';
    case 'text':
    case 'varchar':
      return 'str';
    case 'bool':
      return 'bool';
    default:
      return null;
  }
}

/** Probes of the build tables and the composite Map key, prepended to every join kernel. */
const COMPOSITE_KEY_SOURCE = "(ks) => { let s = ''; for (const k of ks) s += (typeof k === 'string' ? k.length + ':' + k : String(k)) + '|'; return s; }";
const JOIN_PRELUDE = `
const probeI1 = (t, a) => { const E = t.entries, m = t.mask; let s = Math.imul(a, ${HASH_MUL_1}) >>> t.shift; for (;;) { const r = E[2 * s + 1]; if (r === -1 || E[2 * s] === a) return r; s = (s + 1) & m; } };
const probeI2 = (t, a, b) => { const E = t.entries, m = t.mask; let s = Math.imul(Math.imul(a, ${HASH_MUL_1}) ^ b, ${HASH_MUL_2}) >>> t.shift; for (;;) { const r = E[3 * s + 2]; if (r === -1 || (E[3 * s] === a && E[3 * s + 1] === b)) return r; s = (s + 1) & m; } };
const probeM = (t, k) => { const r = t.map.get(k); return r === undefined ? -1 : r; };
const compositeKey = ${COMPOSITE_KEY_SOURCE};
`;
const compositeKey = new Function(`return ${COMPOSITE_KEY_SOURCE}`)() as (ks: readonly unknown[]) => string;

/**
 * What the kernel's source depends on that is only known once the build sides ran: each numeric
 * build value's decimal scale (its column holds value × 10^scale), and which build sides have
 * unique keys (probed without walking a chain).
 */
export interface BuildShape {
  readonly scales: readonly number[];
  readonly uniqueKeys: readonly boolean[];
}

/**
 * The partial-aggregate kernel of `plan` over its pipeline, or null when some expression cannot
 * run in a kernel. Before the build sides ran (`shape` undefined), declared scales and key chains
 * stand in.
 */
export function compileJoinAggregateKernel(plan: Plan & { kind: 'aggregate' }, pipeline: JoinPipeline, params: readonly Value[], shape?: BuildShape, keyFilter?: KeyFilter): JoinAggregateKernel | null {
  const scales = shape?.scales;
  const { fact, factWidth } = pipeline;
  const seen = new Map<number, KernelValue | null>();
  const kb: KernelBuilder = new KernelBuilder(fact.table.columns.map((c) => c.type), params, {
    exactnessGuard: 'exact',
    extraColumn: (index) => {
      const v = index - factWidth;
      // Past the build values: the current row of build side (v − values), as a group key.
      if (v >= pipeline.values.length) return { code: `r${v - pipeline.values.length}`, nullCode: 'false', rep: 'num', scale: 0 };
      if (!seen.has(v)) seen.set(v, buildValueCode(kb, pipeline, v, scales?.[v] ?? declaredScale(pipeline.values[v]!.type)));
      return seen.get(v)!;
    },
  });
  const rowOpen: string[] = [];
  const rowClose: string[] = [];
  if (fact.filter !== null) {
    const f = kb.predicateTrue(fact.filter);
    if (f === null) return null;
    rowOpen.push(`if (!${f}) continue;`);
  }
  if (keyFilter !== undefined) rowOpen.push(`if (!${keyFilterPredicate(kb, fact.table, keyFilter)}) continue;`);
  for (const step of pipeline.steps) {
    if (step.kind === 'filter') {
      const f = kb.predicateTrue(step.predicate);
      if (f === null) return null;
      rowOpen.push(`if (!${f}) continue;`);
      continue;
    }
    const b = step.build;
    const keys = step.probeKeys.map((k) => kb.value(k));
    if (keys.some((k) => k === null || k.scale !== 0)) return null;
    const keyCode = (keys as KernelValue[]).map((k) => k.code);
    const nullCode = (keys as KernelValue[]).map((k) => k.nullCode).filter((c) => c !== 'false');
    const table = kb.arg({ buildArg: 'table', build: b, value: -1 } satisfies BuildArg);
    const side = pipeline.builds[b]!;
    const first = side.int32Keys
      ? `probeI${keyCode.length}(${table}, ${keyCode.join(', ')})`
      : keyCode.length === 1 ? `probeM(${table}, ${keyCode[0]})` : `probeM(${table}, compositeKey([${keyCode.join(', ')}]))`;
    const residual = step.residual === null ? null : kb.predicateTrue(step.residual);
    if (step.residual !== null && residual === null) return null;
    const r = `r${b}`;
    // A build side with unique keys has at most one match: no chain to follow.
    const loop = shape?.uniqueKeys[b] === true ? `for (let ${r} = ${first}; ${r} >= 0; ${r} = -1)` : `for (let ${r} = ${first}; ${r} >= 0; ${r} = ${table}.next[${r}])`;
    if (step.joinType === 'inner') {
      if (nullCode.length > 0) rowOpen.push(`if (${nullCode.join(' || ')}) continue;`);
      rowOpen.push(`${loop} {`);
      if (residual !== null) rowOpen.push(`if (!${residual}) continue;`);
      rowClose.unshift('}');
    } else {
      const found = `found${b}`;
      rowOpen.push(`let ${found} = false;`);
      const search = `${loop} { if (${residual ?? 'true'}) { ${found} = true; break; } }`;
      rowOpen.push(nullCode.length > 0 ? `if (!(${nullCode.join(' || ')})) ${search}` : search);
      rowOpen.push(`if (${step.joinType === 'semi' ? '!' : ''}${found}) continue;`);
    }
  }
  const keys = shape === undefined ? null : rowGroupKeys(pipeline, shape);
  const kernel = aggregateKernel(plan, { kb, rowOpen, rowClose, groupBy: keys?.kernelKeys ?? pipeline.groupBy, argsOf: pipeline.argsOf });
  if (kernel === null) return null;
  return { ...kernel, source: `${JOIN_PRELUDE}\n${kernel.source}`, ...(keys === null ? {} : { keySources: keys.sources }) };
}

/** Where a group key of the plan comes from in a kernel's partial: a kernel key, or a build side's value at the row a kernel key holds. */
export type KeySource = { readonly kind: 'key'; readonly key: number } | { readonly kind: 'build'; readonly key: number; readonly build: number; readonly value: number };

export interface JoinAggregateKernel extends AggregateKernel {
  /** Set when some kernel keys are build rows: how to make the plan's keys of a partial's. */
  readonly keySources?: readonly KeySource[];
}

/**
 * Group keys read from an inner build side group by that side's row instead, one int32 key per
 * side whatever its values (strings, several columns): kernels then hash numbers, not strings,
 * and the coordinator turns rows back into values before merging (rows with equal values merge
 * there). Null when no key comes from a build side.
 */
function rowGroupKeys(pipeline: JoinPipeline, shape: BuildShape): { kernelKeys: Expr[]; sources: KeySource[] } | null {
  const { factWidth, values } = pipeline;
  const inner = new Set(pipeline.steps.flatMap((s) => (s.kind === 'probe' && s.joinType === 'inner' ? [s.build] : [])));
  const kernelKeys: Expr[] = [];
  const sources: KeySource[] = [];
  const rowKeyOf = new Map<number, number>();
  for (const g of pipeline.groupBy) {
    const v = g.kind === 'column' && g.index >= factWidth ? g.index - factWidth : -1;
    const pv = values[v];
    const exact = pv !== undefined && repOf(pv.type) !== null && (pv.type.kind !== 'numeric' || shape.scales[v] === declaredScale(pv.type));
    if (pv === undefined || !exact || !inner.has(pv.build)) {
      sources.push({ kind: 'key', key: kernelKeys.push(g) - 1 });
      continue;
    }
    let key = rowKeyOf.get(pv.build);
    if (key === undefined) {
      key = kernelKeys.push({ kind: 'column', type: T.int4, index: factWidth + values.length + pv.build, name: '' }) - 1;
      rowKeyOf.set(pv.build, key);
    }
    sources.push({ kind: 'build', key, build: pv.build, value: pv.value });
  }
  return rowKeyOf.size === 0 ? null : { kernelKeys, sources };
}

function declaredScale(t: ColumnType): number {
  return t.kind === 'numeric' ? (t.scale ?? 0) : 0;
}

/** Source reading build value `v` of the current row of its build side (`r<build>`). */
function buildValueCode(kb: KernelBuilder, pipeline: JoinPipeline, v: number, scale: number): KernelValue | null {
  const { build, value, type } = pipeline.values[v]!;
  const rep = repOf(type);
  if (rep === null || scale > NUMERIC_SCALE_MAX) return null;
  const values = kb.arg({ buildArg: 'values', build, value } satisfies BuildArg);
  const nulls = kb.arg({ buildArg: 'nulls', build, value } satisfies BuildArg);
  const r = `r${build}`;
  // Strings travel as codes into a dictionary (see StringColumn).
  const code = rep === 'bool' ? `(${values}[${r}] === 1)` : rep === 'str' ? `${values}.dictionary[${values}.codes[${r}]]` : `${values}[${r}]`;
  return {
    code,
    nullCode: `(${nulls} !== null && ${nulls}[${r}] === 1)`,
    rep,
    scale: type.kind === 'numeric' ? scale : 0,
  };
}

/**
 * Strings of a build value: a code per row into the distinct strings. Codes sit in shared memory;
 * only the dictionary is copied to each data-engine task (cloning a string per row was most of
 * the cost of sending a large build side).
 */
interface StringColumn {
  readonly codes: Int32Array;
  readonly dictionary: string[];
}

/** Assigns codes to strings as they are first seen. */
class StringDictionary {
  readonly dictionary: string[] = [];
  private readonly codeOf = new Map<string, number>();

  code(s: string): number {
    let c = this.codeOf.get(s);
    if (c === undefined) {
      c = this.dictionary.push(s) - 1;
      this.codeOf.set(s, c);
    }
    return c;
  }
}

/** A build side as the kernel reads it. */
interface BuiltSide {
  readonly table: Int32ProbeTable | MapProbeTable;
  readonly values: readonly (Float64Array | BigInt64Array | Uint8Array | StringColumn)[];
  /** Per value: 1 where the row's value is NULL, or null when none is. */
  readonly nulls: readonly (Uint8Array | null)[];
  /** Build rows. */
  readonly rows: number;
}

type TypedColumn = Float64Array | BigInt64Array | Uint8Array | Int32Array;

/** A column's values at `rows`, in that order (a string column keeps its dictionary). */
function pickRows<C extends TypedColumn | StringColumn>(column: C, rows: readonly number[]): C {
  if ('dictionary' in column) return { codes: pickRows(column.codes, rows), dictionary: column.dictionary } as unknown as C;
  const typed = column as TypedColumn;
  const out = new (typed.constructor as { new (buffer: SharedArrayBuffer): TypedColumn })(new SharedArrayBuffer(Math.max(1, rows.length) * typed.BYTES_PER_ELEMENT));
  for (let i = 0; i < rows.length; i++) (out as unknown as unknown[])[i] = typed[rows[i]!];
  return out as C;
}

/** An int32 key table (see Int32Groups) and the chain of build rows sharing a key. */
interface Int32ProbeTable extends Int32Table {
  /** The next build row with the same key, -1 at the end of the chain. */
  readonly next: Int32Array;
}

interface MapProbeTable {
  readonly map: Map<unknown, number>;
  readonly next: Int32Array;
}

/** The build sides, ready to send, and their shape (see BuildShape). */
export interface BuiltSides extends BuildShape {
  /** A partial's keys in the plan's order, build rows turned into their values (see rowGroupKeys). */
  planKeys(partial: PartialArrays, sources: readonly KeySource[]): PartialArrays;
  /** The kernel's arguments with every build placeholder replaced by its data. */
  bind(args: readonly unknown[]): unknown[];
  /**
   * The sides with, for each side `keep` gives a test of its (single) key, only the rows that pass
   * it (NULL keys never match: they go too); other sides as they are. Values keep their scale and
   * codes their dictionary, so the kernel compiled for the whole sides reads these alike. Row
   * numbers change: planKeys of a subset refuses (a kernel whose group keys are build rows).
   */
  subset(keep: (build: number) => ((key: Value) => boolean) | null): BuiltSides;
}

/** A typed array of n elements (at least one) on shared memory: every data-engine task reads the same copy. */
function shared<A>(Typed: { new (buffer: SharedArrayBuffer): A; readonly BYTES_PER_ELEMENT: number }, n: number): A {
  return new Typed(new SharedArrayBuffer(Math.max(1, n) * Typed.BYTES_PER_ELEMENT));
}

/** A build side's rows: as the coordinator computed them, or a scan's batches as the data engines sent them. */
export type BuildInput = readonly Row[] | ScanBatches;

function isBatches(input: BuildInput): input is ScanBatches {
  return !Array.isArray(input);
}

export function buildSides(pipeline: JoinPipeline, inputs: readonly BuildInput[], ctx: ExecContext): BuiltSides | null {
  const scales = pipeline.values.map((v) => declaredScale(v.type));
  const uniqueKeys: boolean[] = [];
  const sides: BuiltSide[] = [];
  const keyColumns: KeyColumn[][] = [];
  for (let b = 0; b < pipeline.builds.length; b++) {
    const side = pipeline.builds[b]!;
    const input = inputs[b]!;
    ctx.checkCancel();
    const values: BuiltSide['values'][number][] = [];
    const nulls: (Uint8Array | null)[] = [];
    for (let i = 0; i < side.values.length; i++) {
      const v = pipeline.values.findIndex((x) => x.build === b && x.value === i);
      const column = valueColumn(side.values[i]!, input, ctx);
      if (column === null) return null;
      values.push(column.values);
      nulls.push(column.nulls);
      scales[v] = column.scale;
    }
    const keys = side.keys.map((k) => keyColumn(k, input, ctx));
    const table = side.int32Keys ? int32Table(keys, input.length) : mapTable(keys, input.length);
    if (table === null) return null;
    sides.push({ table, values, nulls, rows: input.length });
    keyColumns.push(keys);
    uniqueKeys.push(table.next.every((r) => r === -1));
  }
  return builtSides(pipeline, sides, keyColumns, { scales, uniqueKeys }, true);
}

/** BuiltSides over built sides; `whole`: the sides as the build computed them (planKeys may map their rows). */
function builtSides(pipeline: JoinPipeline, sides: readonly BuiltSide[], keyColumns: readonly (readonly KeyColumn[])[], shape: BuildShape, whole: boolean): BuiltSides {
  /** A build value at a row as a kernel partial holds a key: numbers, bigints, strings or booleans as 1/0. */
  const partialValue = (side: BuiltSide, value: number, row: number): unknown => {
    if (side.nulls[value]?.[row] === 1) return null;
    const column = side.values[value]!;
    return 'dictionary' in column ? column.dictionary[column.codes[row]!] : column[row];
  };
  return {
    ...shape,
    subset: (keep) => {
      const kept = sides.map((side, b): { side: BuiltSide; keys: readonly KeyColumn[] } => {
        const test = keep(b);
        const keys = keyColumns[b]!;
        if (test === null || keys.length !== 1) return { side, keys };
        const rows: number[] = [];
        for (let r = 0; r < side.rows; r++) {
          const key = keys[0]!.at(r);
          if (key !== null && test(key)) rows.push(r);
        }
        const subKeys = keys.map((k): KeyColumn => ({ at: (i) => k.at(rows[i]!) }));
        const m = rows.length;
        const table = pipeline.builds[b]!.int32Keys ? int32Table(subKeys, m) : mapTable(subKeys, m);
        // The whole side's keys fit an int32 table, so any subset of them does.
        if (table === null) throw new Error('a subset of int32 build keys did not fit an int32 table');
        return {
          side: { table, values: side.values.map((v) => pickRows(v, rows)), nulls: side.nulls.map((n) => (n === null ? null : pickRows(n, rows))), rows: m },
          keys: subKeys,
        };
      });
      return builtSides(pipeline, kept.map((k) => k.side), kept.map((k) => k.keys), shape, false);
    },
    planKeys: (partial, sources) => {
      if (!whole) throw new Error('planKeys of a subset of the build sides');
      return {
      ...partial,
      keys: sources.map((src) => {
        const kernelKey = partial.keys[src.key]!;
        if (src.kind === 'key') return kernelKey;
        const side = sides[src.build]!;
        return Array.from({ length: partial.n }, (_, g) => partialValue(side, src.value, kernelKey[g] as number));
      }),
      };
    },
    bind: (args) =>
      args.map((a) => {
        if (!isBuildArg(a)) return a;
        const side = sides[a.build]!;
        return a.buildArg === 'table' ? side.table : a.buildArg === 'values' ? side.values[a.value] : side.nulls[a.value];
      }),
  };
}

/** A column of `length` values: `at(i)` is the value, NULL included. */
interface KeyColumn {
  at(i: number): Value;
}

/** `e` over every row of `input`; a bare column of a batch is read from its vectors without rows. */
function keyColumn(e: Expr, input: BuildInput, ctx: ExecContext): KeyColumn {
  if (isBatches(input) && e.kind === 'column' && input.chunks.every((c) => isPlainNumber(c.vectors[e.index]!))) {
    const { values, nulls } = plainColumn(input, e.index);
    return { at: (i) => (nulls !== null && nulls[i] === 1 ? null : values[i]!) };
  }
  const values = evaluate(e, input, ctx);
  return { at: (i) => values[i]! };
}

function isPlainNumber(vec: ColumnVector): boolean {
  const phys = physicalOf(vec.type);
  return phys === 'i16' || phys === 'i32' || phys === 'f32' || phys === 'f64';
}

/** A plain numeric (or scaled numeric's coefficient) column of the batches, and where it is NULL. */
function plainColumn(input: ScanBatches, index: number): { values: Float64Array; nulls: Uint8Array | null } {
  const n = input.length;
  const values = shared(Float64Array, n);
  let nulls: Uint8Array | null = null;
  let at = 0;
  for (const chunk of input.chunks) {
    const vec = chunk.vectors[index]!;
    values.set((vec.values as Float64Array).subarray(0, chunk.length), at);
    const valid = vec.validity;
    if (valid !== null) {
      for (let i = 0; i < chunk.length; i++) {
        if ((valid[i >> 3]! & (1 << (i & 7))) === 0) (nulls ??= shared(Uint8Array, n))[at + i] = 1;
      }
    }
    at += chunk.length;
  }
  return { values, nulls };
}

/** The distinct non-NULL values of `key` over a build side's rows; null past `max` of them. */
export function buildKeyValues(input: BuildInput, key: Expr, ctx: ExecContext, max: number): Set<Value> | null {
  const out = new Set<Value>();
  for (const v of evaluate(key, input, ctx)) {
    if (v === null) continue;
    out.add(v);
    if (out.size > max) return null;
  }
  return out;
}

/**
 * `e` evaluated over every row of `input`. Batches are read through one reused row holding only
 * the columns `e` reads, so no row is kept.
 */
function evaluate(e: Expr, input: BuildInput, ctx: ExecContext): Value[] {
  const f = compileExpr(e);
  const out: Value[] = new Array(input.length);
  if (!isBatches(input)) {
    for (let i = 0; i < input.length; i++) {
      out[i] = f(input[i]!, ctx);
      if ((i & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
    }
    return out;
  }
  const used = [...columnsUsed(e)];
  const row: Value[] = [];
  let at = 0;
  for (const chunk of input.chunks) {
    ctx.checkCancel();
    for (let i = 0; i < chunk.length; i++) {
      for (const c of used) row[c] = valueAt(chunk.vectors[c]!, i);
      out[at++] = f(row, ctx);
    }
  }
  return out;
}

/** One build value over every build row, as its kernel column; null when a numeric cannot be held exactly. */
function valueColumn(e: Expr, input: BuildInput, ctx: ExecContext): { values: BuiltSide['values'][number]; nulls: Uint8Array | null; scale: number } | null {
  const type = e.type;
  const rep = repOf(type);
  if (isBatches(input) && e.kind === 'column' && rep !== null) {
    const vec = input.chunks[0]?.vectors[e.index];
    const phys = vec === undefined ? null : physicalOf(vec.type);
    if (rep === 'num' && (phys === 'scaled' || (vec !== undefined && isPlainNumber(vec)))) {
      return { ...plainColumn(input, e.index), scale: phys === 'scaled' ? (vec!.type.scale ?? 0) : 0 };
    }
    if (rep === 'str' && phys === 'dict') return { ...dictStrings(input, e.index), scale: 0 };
  }
  const raw = evaluate(e, input, ctx);
  const n = raw.length;
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) if (raw[i] === null) (nulls ??= shared(Uint8Array, n))[i] = 1;
  switch (rep) {
    case 'num': {
      const out = shared(Float64Array, n);
      if (type.kind !== 'numeric') {
        for (let i = 0; i < n; i++) if (raw[i] !== null) out[i] = raw[i] as number;
        return { values: out, nulls, scale: 0 };
      }
      let scale = 0;
      for (const v of raw) if (v !== null) scale = Math.max(scale, (v as Numeric).scale);
      if (scale > NUMERIC_SCALE_MAX) return null;
      for (let i = 0; i < n; i++) {
        const v = raw[i] as Numeric | null;
        if (v === null) continue;
        const x = Number(v.coef) * 10 ** (scale - v.scale);
        if (!Number.isSafeInteger(x)) return null;
        out[i] = x;
      }
      return { values: out, nulls, scale };
    }
    case 'big': {
      const out = shared(BigInt64Array, n);
      for (let i = 0; i < n; i++) if (raw[i] !== null) out[i] = raw[i] as bigint;
      return { values: out, nulls, scale: 0 };
    }
    case 'bool': {
      const out = shared(Uint8Array, n);
      for (let i = 0; i < n; i++) if (raw[i] === true) out[i] = 1;
      return { values: out, nulls, scale: 0 };
    }
    case 'str': {
      const dict = new StringDictionary();
      const codes = shared(Int32Array, n);
      for (let i = 0; i < n; i++) if (raw[i] !== null) codes[i] = dict.code(raw[i] as string);
      return { values: { codes, dictionary: dict.dictionary }, nulls, scale: 0 };
    }
    default:
      return null;
  }
}

/** A text column of the batches with one dictionary: each chunk's codes mapped into it, and where it is NULL. */
function dictStrings(input: ScanBatches, index: number): { values: StringColumn; nulls: Uint8Array | null } {
  const n = input.length;
  const codes = shared(Int32Array, n);
  const dict = new StringDictionary();
  let nulls: Uint8Array | null = null;
  let at = 0;
  for (const chunk of input.chunks) {
    const vec = chunk.vectors[index]!;
    const chunkCodes = vec.values as Int32Array;
    const remap = vec.dictionary!.map((s) => dict.code(s));
    const valid = vec.validity;
    for (let i = 0; i < chunk.length; i++) {
      if (valid !== null && (valid[i >> 3]! & (1 << (i & 7))) === 0) {
        (nulls ??= shared(Uint8Array, n))[at + i] = 1;
      } else codes[at + i] = remap[chunkCodes[i]!]!;
    }
    at += chunk.length;
  }
  return { values: { codes, dictionary: dict.dictionary }, nulls };
}

function int32Table(keyColumns: readonly KeyColumn[], n: number): Int32ProbeTable | null {
  const width = keyColumns.length;
  if (width !== 1 && width !== 2) return null;
  const groups = new Int32Groups(width, { expected: n, shared: true });
  const next = shared(Int32Array, n).fill(-1);
  const k0 = keyColumns[0]!;
  const k1 = keyColumns[1];
  for (let j = 0; j < n; j++) {
    // NULL keys never match: they stay out of the table.
    const a = k0.at(j) as number | null;
    if (a === null) continue;
    let b = 0;
    if (k1 !== undefined) {
      const v = k1.at(j) as number | null;
      if (v === null) continue;
      b = v;
    }
    if ((a | 0) !== a || (b | 0) !== b) return null;
    // The slot keeps a key's first row; later rows chain after it.
    const first = groups.findOrAdd(a, b, j);
    if (first !== -1) {
      next[j] = next[first]!;
      next[first] = j;
    }
  }
  return { ...groups.table, next };
}

function mapTable(keyColumns: readonly KeyColumn[], n: number): MapProbeTable {
  const map = new Map<unknown, number>();
  const next = shared(Int32Array, n).fill(-1);
  for (let j = 0; j < n; j++) {
    const k = keyColumns.map((c) => c.at(j));
    if (k.includes(null)) continue;
    const key = k.length === 1 ? k[0] : compositeKey(k);
    const prev = map.get(key);
    if (prev !== undefined) next[j] = prev;
    map.set(key, j);
  }
  return { map, next };
}
