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
  /** The tree with each value constant replaced by a parameter reference (built on demand: rarely needed). */
  parameterized(): Node;
}

/**
 * The shape of a SELECT/INSERT/UPDATE/DELETE without parameters of its own, or null when it has
 * none worth sharing (no value constants, too many, or `$n` already in it).
 */
export function statementShape(statement: Node): StatementShape | null {
  if (!SHAPED_STATEMENTS.has(nodeTag(statement))) return null;
  const constants: ShapeConstant[] = [];
  let ownParameters = false;
  // The tree as JSON without locations (they differ between statements of one shape), each lifted
  // constant written as its parameter number; built in the same walk (a replacer function for
  // JSON.stringify cost three times as much on a point query).
  let tree = '';

  /** Serializes `value`, lifting value constants; `under` is the key it sits under (a node's tag for payloads). */
  const visit = (value: unknown, keep: boolean, under: string): void => {
    if (value === null || typeof value !== 'object') {
      tree += typeof value === 'string' ? JSON.stringify(value) : String(value);
      return;
    }
    if (Array.isArray(value)) {
      const positional = POSITIONAL_LISTS.has(under);
      tree += '[';
      value.forEach((item, i) => {
        if (i > 0) tree += ',';
        // Grouping sets and parenthesized key lists hold positions too (ROLLUP (1, 2)): kept whole.
        const groupingSet = under === 'groupClause' && (nodeTag(item as Node) === 'GroupingSet' || nodeTag(item as Node) === 'RowExpr');
        visit(item, keep || groupingSet || (positional && isPosition(item)), '');
      });
      tree += ']';
      return;
    }
    const obj = value as Record<string, unknown>;
    const c = obj.A_Const as A_Const | undefined;
    if (c !== undefined && !keep) {
      const lit = constLiteral(c);
      if (lit.kind === 'integer' || lit.kind === 'number' || lit.kind === 'string') {
        // Stop at once: a bulk INSERT's tree is not worth walking only to be refused.
        if (constants.length === SHAPE_CONSTANTS_MAX) throw TOO_MANY_CONSTANTS;
        constants.push(lit);
        tree += `{"A_Const":${constants.length}}`;
        return;
      }
    }
    tree += '{';
    let first = true;
    for (const key in obj) {
      if (key === 'location') continue;
      if (key === 'ParamRef') ownParameters = true;
      tree += first ? `"${key}":` : `,"${key}":`;
      first = false;
      const child = obj[key];
      if (under === 'FuncCall' && key === 'args' && Array.isArray(child) && FIELD_ARGUMENT_FUNCTIONS.has(lastName(obj.funcname))) {
        tree += '[';
        child.forEach((arg, i) => {
          if (i > 0) tree += ',';
          visit(arg, keep || i === 0, '');
        });
        tree += ']';
      } else {
        visit(child, keep || keepsConstants(under, obj, key), key);
      }
    }
    tree += '}';
  };

  try {
    visit(statement, false, '');
  } catch (e) {
    if (e === TOO_MANY_CONSTANTS) return null;
    throw e;
  }
  if (constants.length === 0 || ownParameters) return null;
  return {
    // The constants' kinds are part of the shape: 7 and '7' type differently.
    key: `${constants.map((c) => c.kind[0]).join('')} ${tree}`,
    constants,
    parameterized: () => JSON.parse(tree, (_key, value: unknown) => (typeof value === 'object' && value !== null && typeof (value as { A_Const?: unknown }).A_Const === 'number' ? { ParamRef: { number: (value as { A_Const: number }).A_Const } } : value)) as Node,
  };
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
