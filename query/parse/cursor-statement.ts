// Cursor statements from PostgreSQL's tree: DECLARE name [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR
// query, FETCH/MOVE [FORWARD] [n | ALL | NEXT] [FROM | IN] name, and CLOSE name | ALL. Scrolling
// backwards, absolute positions and binary cursors are refused with a reason.

import type { ClosePortalStmt, DeclareCursorStmt, FetchStmt, Node } from '@pgsql/types';

export type CursorStatement =
  | { readonly kind: 'cursor'; readonly action: 'declare'; readonly name: string; readonly hold: boolean; readonly query: Node; readonly text: string }
  /** count null: ALL. `move` advances without returning rows. */
  | { readonly kind: 'cursor'; readonly action: 'fetch'; readonly name: string; readonly count: number | null; readonly move: boolean; readonly text: string }
  /** name null: CLOSE ALL. */
  | { readonly kind: 'cursor'; readonly action: 'close'; readonly name: string | null; readonly text: string };

/** PostgreSQL's CURSOR_OPT_* bits (parsenodes.h) that DECLARE's options carry. */
const CURSOR_OPT_BINARY = 0x01;
const CURSOR_OPT_SCROLL = 0x02;
const CURSOR_OPT_HOLD = 0x20;
/** FETCH ALL arrives as FETCH_ALL, the grammar's LONG_MAX stand-in (int32 in the JSON tree). */
const FETCH_ALL_COUNT = 2_147_483_647;

type Unsupported = { kind: 'unsupported'; feature: string; text: string };

export function declareCursorStatement(d: DeclareCursorStmt, text: string): CursorStatement | Unsupported {
  const options = d.options ?? 0;
  if ((options & CURSOR_OPT_BINARY) !== 0) return { kind: 'unsupported', feature: 'DECLARE BINARY CURSOR', text };
  if ((options & CURSOR_OPT_SCROLL) !== 0) return { kind: 'unsupported', feature: 'DECLARE SCROLL CURSOR', text };
  return { kind: 'cursor', action: 'declare', name: d.portalname ?? '', hold: (options & CURSOR_OPT_HOLD) !== 0, query: d.query!, text };
}

export function fetchStatement(f: FetchStmt, text: string): CursorStatement | Unsupported {
  const word = f.ismove === true ? 'MOVE' : 'FETCH';
  if (f.direction !== undefined && f.direction !== 'FETCH_FORWARD') return { kind: 'unsupported', feature: `${word} ${f.direction.replace(/^FETCH_/, '')}`, text };
  // An absent count is 0 (the tree omits zeros): FETCH 0 re-reads the current row, which needs a scrollable cursor here.
  const howMany = Number(f.howMany ?? 0);
  if (howMany <= 0) return { kind: 'unsupported', feature: `${word} ${howMany}`, text };
  return { kind: 'cursor', action: 'fetch', name: f.portalname ?? '', count: howMany >= FETCH_ALL_COUNT ? null : howMany, move: f.ismove === true, text };
}

export function closeCursorStatement(c: ClosePortalStmt, text: string): CursorStatement {
  return { kind: 'cursor', action: 'close', name: c.portalname ?? null, text };
}
