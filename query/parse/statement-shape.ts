// A statement's shape: its tree with the constants that only carry values taken out, so
// statements that differ only in those constants share one generic plan (their constants become
// its parameters). Constants that steer the plan stay in the shape: type modifiers
// (`numeric(10,2)`, `interval '90' day`), ORDER BY / GROUP BY positions, NULL and booleans.

import type { A_Const, Node } from '@pgsql/types';
import { constLiteral, nodeTag, type ConstLiteral } from './ast.js';

/** Statements with more value constants than this keep exact-text caching only (bulk VALUES). */
export const SHAPE_CONSTANTS_MAX = 256;

/** Statement kinds whose constants may become parameters. */
const SHAPED_STATEMENTS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/** Lists whose direct constant items are positions, not values (ORDER BY 1, GROUP BY 2). */
const POSITIONAL_LISTS = new Set(['sortClause', 'groupClause', 'distinctClause']);

/** Functions whose first argument names a field and stays a constant (extract(year from …)). */
const FIELD_ARGUMENT_FUNCTIONS = new Set(['extract', 'date_part', 'date_trunc']);

const TOO_MANY_CONSTANTS = Symbol('too many constants');

export type ShapeConstant = ConstLiteral & { readonly kind: 'integer' | 'number' | 'string' };

export interface StatementShape {
  /** Equal for statements that differ only in their value constants (and their positions). */
  readonly key: string;
  /** The value constants in the order their parameters are numbered ($1 is the first). */
  readonly constants: readonly ShapeConstant[];
  /** The tree with each value constant replaced by a parameter reference. */
  readonly parameterized: Node;
}

/**
 * The shape of a SELECT/INSERT/UPDATE/DELETE without parameters of its own, or null when it has
 * none worth sharing (no value constants, too many, or `$n` already in it).
 */
export function statementShape(statement: Node): StatementShape | null {
  if (!SHAPED_STATEMENTS.has(nodeTag(statement))) return null;
  const constants: ShapeConstant[] = [];
  let ownParameters = false;

  /** Copies `value` (locations dropped); `under` is the key it sits under (a node's tag for payloads). */
  const walk = (value: unknown, keep: boolean, under: string): unknown => {
    if (Array.isArray(value)) {
      if (POSITIONAL_LISTS.has(under)) return value.map((item) => walk(item, keep || isPosition(item), ''));
      return value.map((item) => walk(item, keep, ''));
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    if (!keep && obj.A_Const !== undefined) {
      const lit = constLiteral(obj.A_Const as A_Const);
      if (lit.kind === 'integer' || lit.kind === 'number' || lit.kind === 'string') {
        // Stop at once: a bulk INSERT's tree is not worth copying only to be refused.
        if (constants.length === SHAPE_CONSTANTS_MAX) throw TOO_MANY_CONSTANTS;
        constants.push(lit);
        return { ParamRef: { number: constants.length } };
      }
    }
    const out: Record<string, unknown> = {};
    for (const key in obj) {
      if (key === 'location') continue;
      if (key === 'ParamRef') ownParameters = true;
      const child = obj[key];
      if (under === 'FuncCall' && key === 'args' && Array.isArray(child) && FIELD_ARGUMENT_FUNCTIONS.has(lastName(obj.funcname))) {
        out[key] = child.map((arg, i) => walk(arg, keep || i === 0, ''));
      } else {
        out[key] = walk(child, keep || keepsConstants(under, obj, key), key);
      }
    }
    return out;
  };

  let parameterized: Node;
  try {
    parameterized = walk(statement, false, '') as Node;
  } catch (e) {
    if (e === TOO_MANY_CONSTANTS) return null;
    throw e;
  }
  if (constants.length === 0 || ownParameters) return null;
  // The constants' kinds are part of the shape: 7 and '7' type differently.
  return { key: `${constants.map((c) => c.kind[0]).join('')} ${JSON.stringify(parameterized)}`, constants, parameterized };
}

/** Whether the constants under `payload[key]` (payload of a node tagged `tag`) steer the plan. */
function keepsConstants(tag: string, payload: Record<string, unknown>, key: string): boolean {
  if (key === 'typeName' || key === 'typmods') return true;
  // `interval '90' day`, `'1.5'::numeric(10,2)`: the modifier changes how the text is read.
  if (tag === 'TypeCast' && key === 'arg') return ((payload.typeName as { typmods?: unknown[] } | undefined)?.typmods?.length ?? 0) > 0;
  return false;
}

/** An item of ORDER BY / GROUP BY / DISTINCT ON that is a bare constant: a position. */
function isPosition(item: unknown): boolean {
  const node = item as { A_Const?: unknown; SortBy?: { node?: { A_Const?: unknown } } };
  return node.A_Const !== undefined || node.SortBy?.node?.A_Const !== undefined;
}

function lastName(list: unknown): string {
  if (!Array.isArray(list) || list.length === 0) return '';
  return ((list[list.length - 1] as { String?: { sval?: string } }).String?.sval ?? '').toLowerCase();
}

/** The text form of a shape constant, as a text-format parameter would carry it. */
export function constantText(c: ShapeConstant): string {
  return c.kind === 'integer' ? String(c.value) : c.text;
}
