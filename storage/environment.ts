// The LMDB environment of a node and its named sub-databases, opened the same way by the main
// thread (the only writer) and by data-engine workers (readers).
//
//   catalog  ['table', name] → TableSchema · ['tableById', id] → name        (msgpack values)
//            ['sequence', name] → options, last value, is_called · ['meta', 'nextSequenceId']
//            ['statistics', tableId] → the table's planner statistics (storage/table-statistics.ts)
//   meta     'partitions' → Q · 'nextTableId' · 'nextSegmentId' · ['rowSeq', tableId]
//   delta    [tableId u32][partition u16][pk…] → encoded row (row-codec)
//   pkidx    same key → [segmentId u32][row u32] for rows folded into segments
//   segments [tableId u32][partition u16][segmentId u32] → Arrow IPC bytes
//   segmeta  same key → SegmentMeta (msgpack) · dead: same key → dead-row bitmap (bit 1 = dead)
//   versions same key as delta → the row's version entry (src/cluster/replication/version-entry.ts):
//            written with every row change while the node replicates; no entry = version zero
//   secidx   [tableId u32][indexId u16][index values…](+ the row's delta key when not unique, or
//            when a value is NULL) → the row's delta key (storage/secondary-index.ts)
//   staged   segment key → a bulk load's staged segment (its blob is in `segments` under that key,
//            unseen by readers until published): { meta, keys, ordinals } (storage/staged-load.ts)

import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import type { ZoneMap } from './column-vector.js';

export interface SegmentMeta {
  id: number;
  rows: number;
  zones: ZoneMap[];
}

export interface Environment {
  root: RootDatabase;
  catalog: Database<unknown, (string | number)[]>;
  meta: Database<unknown, string | (string | number)[]>;
  delta: Database<Buffer, Buffer>;
  pkidx: Database<Buffer, Buffer>;
  segments: Database<Buffer, Buffer>;
  segmeta: Database<SegmentMeta, Buffer>;
  dead: Database<Buffer, Buffer>;
  versions: Database<Uint8Array, Buffer>;
  secidx: Database<Buffer, Buffer>;
  staged: Database<unknown, Buffer>;
}

const subDatabasesMax = 12;

export function openEnvironment(dir: string): Environment {
  // noMemInit skips zeroing fresh pages (a third off bulk writes); the file may then hold stale
  // bytes in unused page space, which only matters to someone who can read the file anyway.
  // noSubdir is explicit: lmdb-js guesses "a file" for a path whose last part has a dot
  // (`./data-0.1`, `/srv/eon.data`), and the data directory is always a directory.
  const root = open({ path: dir, maxDbs: subDatabasesMax, compression: false, noMemInit: true, noSubdir: false });
  return {
    root,
    catalog: root.openDB<unknown, (string | number)[]>({ name: 'catalog', encoding: 'msgpack' }),
    meta: root.openDB<unknown, string | (string | number)[]>({ name: 'meta', encoding: 'msgpack' }),
    delta: root.openDB<Buffer, Buffer>({ name: 'delta', keyEncoding: 'binary', encoding: 'binary' }),
    pkidx: root.openDB<Buffer, Buffer>({ name: 'pkidx', keyEncoding: 'binary', encoding: 'binary' }),
    segments: root.openDB<Buffer, Buffer>({ name: 'segments', keyEncoding: 'binary', encoding: 'binary' }),
    segmeta: root.openDB<SegmentMeta, Buffer>({ name: 'segmeta', keyEncoding: 'binary', encoding: 'msgpack' }),
    dead: root.openDB<Buffer, Buffer>({ name: 'dead', keyEncoding: 'binary', encoding: 'binary' }),
    versions: root.openDB<Uint8Array, Buffer>({ name: 'versions', keyEncoding: 'binary', encoding: 'binary' }),
    secidx: root.openDB<Buffer, Buffer>({ name: 'secidx', keyEncoding: 'binary', encoding: 'binary' }),
    staged: root.openDB<unknown, Buffer>({ name: 'staged', keyEncoding: 'binary', encoding: 'msgpack' }),
  };
}

/** The key of a segment (and of its meta and dead bitmap). */
export function segmentKey(tableId: number, partition: number, segmentId: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt32BE(tableId >>> 0, 0);
  b.writeUInt16BE(partition, 4);
  b.writeUInt32BE(segmentId >>> 0, 6);
  return b;
}
