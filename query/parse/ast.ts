// Reading PostgreSQL's parse tree (libpg-query's JSON, typed by @pgsql/types): node tags,
// payloads, name lists and constants, in one place so every binder reads them the same way.
// The JSON omits fields at their default value: an absent number is 0, an absent boolean false,
// an absent list empty (`{ ival: {} }` is the integer 0, `{ boolval: {} }` is false).

import type { A_Const, Node } from '@pgsql/types';

export type { Node } from '@pgsql/types';

/** The tag of a wrapped node: 'SelectStmt', 'A_Const', 'ColumnRef', … */
export type NodeTag = Node extends infer U ? (U extends unknown ? keyof U & string : never) : never;

/** The payload type of the node tagged `K`. */
export type NodeOf<K extends NodeTag> = Extract<Node, Record<K, unknown>> extends infer W ? (W extends Record<K, infer P> ? P : never) : never;

/** The tag of a wrapped node (its one key). */
export function nodeTag(n: Node): NodeTag {
  for (const k in n) return k as NodeTag;
  throw new Error('empty parse-tree node');
}

/** The payload of `n` when it is tagged `tag`, else undefined. */
export function asNode<K extends NodeTag>(n: Node | undefined, tag: K): NodeOf<K> | undefined {
  if (n === undefined) return undefined;
  return (n as Record<string, unknown>)[tag] as NodeOf<K> | undefined;
}

/** Wraps a payload back into a node (for a SelectStmt's larg/rarg, which the tree holds bare). */
export function wrap<K extends NodeTag>(tag: K, payload: NodeOf<K>): Node {
  return { [tag]: payload } as unknown as Node;
}

/** The strings of a name list ([String pg_catalog, String int4] → ['pg_catalog', 'int4']). */
export function nameList(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((n) => {
    const s = asNode(n, 'String');
    if (s !== undefined) return s.sval ?? '';
    if (asNode(n, 'A_Star') !== undefined) return '*';
    throw new Error(`name list item ${nodeTag(n)} is not a string`);
  });
}

/** The last part of a qualified name (the schema dropped): ['pg_catalog', 'int4'] → 'int4'. */
export function baseName(list: readonly Node[] | undefined): string {
  const names = nameList(list);
  return names[names.length - 1] ?? '';
}

/** An A_Const's value as PostgreSQL reads the literal before typing it. */
export type ConstLiteral =
  | { readonly kind: 'null' }
  | { readonly kind: 'integer'; readonly value: number }
  /** A numeric literal as written: decimals, exponents, and integers beyond int4. */
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** B'101' / X'1F' as written, with its leading b or x. */
  | { readonly kind: 'bits'; readonly text: string };

export function constLiteral(c: A_Const): ConstLiteral {
  if (c.isnull === true) return { kind: 'null' };
  if (c.ival !== undefined) return { kind: 'integer', value: c.ival.ival ?? 0 };
  if (c.fval !== undefined) return { kind: 'number', text: c.fval.fval ?? '0' };
  if (c.sval !== undefined) return { kind: 'string', text: c.sval.sval ?? '' };
  if (c.boolval !== undefined) return { kind: 'boolean', value: c.boolval.boolval ?? false };
  if (c.bsval !== undefined) return { kind: 'bits', text: c.bsval.bsval ?? '' };
  throw new Error('A_Const without a value');
}

/** The integer of an Integer node or an integer A_Const (option values, typmods), else undefined. */
export function integerOf(n: Node | undefined): number | undefined {
  const i = asNode(n, 'Integer');
  if (i !== undefined) return i.ival ?? 0;
  const c = asNode(n, 'A_Const');
  return c?.ival !== undefined ? (c.ival.ival ?? 0) : undefined;
}

/** The text of a String node or a string A_Const, else undefined. */
export function stringOf(n: Node | undefined): string | undefined {
  const s = asNode(n, 'String');
  if (s !== undefined) return s.sval ?? '';
  const c = asNode(n, 'A_Const');
  return c?.sval !== undefined ? (c.sval.sval ?? '') : undefined;
}

/** The character offset (0-based) a node starts at in its statement, when the tree records it. */
export function locationOf(n: Node | undefined): number | undefined {
  if (n === undefined) return undefined;
  const payload = (n as Record<string, unknown>)[nodeTag(n)] as { location?: number } | undefined;
  return payload?.location;
}
