// Writers for the server's fixed-shape messages (authentication, status, completion); rows and errors live beside.

import type { MessageWriter } from './message-writer.js';
import type { TransactionStatus } from '../../query/session/contract.js';

const AUTH = 0x52; // 'R'

export function writeAuthenticationOk(w: MessageWriter): void {
  w.begin(AUTH);
  w.int32(0);
  w.end();
}

export function writeAuthenticationCleartextPassword(w: MessageWriter): void {
  w.begin(AUTH);
  w.int32(3);
  w.end();
}

export function writeAuthenticationMd5Password(w: MessageWriter, salt: Uint8Array): void {
  w.begin(AUTH);
  w.int32(5);
  w.bytes(salt);
  w.end();
}

/** AuthenticationSASL: the mechanisms offered, a list of C strings ending with an empty one. */
export function writeAuthenticationSasl(w: MessageWriter, mechanisms: readonly string[]): void {
  w.begin(AUTH);
  w.int32(10);
  for (const m of mechanisms) w.cstring(m);
  w.int8(0);
  w.end();
}

export function writeAuthenticationSaslContinue(w: MessageWriter, data: string): void {
  w.begin(AUTH);
  w.int32(11);
  w.utf8(data);
  w.end();
}

export function writeAuthenticationSaslFinal(w: MessageWriter, data: string): void {
  w.begin(AUTH);
  w.int32(12);
  w.utf8(data);
  w.end();
}

export function writeParameterStatus(w: MessageWriter, name: string, value: string): void {
  w.begin(0x53); // 'S'
  w.cstring(name);
  w.cstring(value);
  w.end();
}

export function writeBackendKeyData(w: MessageWriter, processId: number, secretKey: number): void {
  w.begin(0x4b); // 'K'
  w.int32(processId);
  w.int32(secretKey);
  w.end();
}

const STATUS_BYTE: Readonly<Record<TransactionStatus, number>> = { I: 0x49, T: 0x54, E: 0x45 };

export function writeReadyForQuery(w: MessageWriter, status: TransactionStatus): void {
  w.begin(0x5a); // 'Z'
  w.int8(STATUS_BYTE[status]);
  w.end();
}

export function writeCommandComplete(w: MessageWriter, tag: string): void {
  w.begin(0x43); // 'C'
  w.cstring(tag);
  w.end();
}

/** Commands whose tag carries a row count (PostgreSQL's convention; INSERT has the legacy OID 0 too). */
const COUNTED_COMMANDS = new Set(['SELECT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY']);

/** The CommandComplete tag for a statement's command word and row count. */
export function commandTag(command: string, rowCount: number): string {
  if (command === 'INSERT') return `INSERT 0 ${rowCount}`;
  if (COUNTED_COMMANDS.has(command)) return `${command} ${rowCount}`;
  return command;
}

function writeEmpty(w: MessageWriter, type: number): void {
  w.begin(type);
  w.end();
}

export const writeEmptyQueryResponse = (w: MessageWriter): void => writeEmpty(w, 0x49); // 'I'
export const writeParseComplete = (w: MessageWriter): void => writeEmpty(w, 0x31); // '1'
export const writeBindComplete = (w: MessageWriter): void => writeEmpty(w, 0x32); // '2'
export const writeCloseComplete = (w: MessageWriter): void => writeEmpty(w, 0x33); // '3'
export const writeNoData = (w: MessageWriter): void => writeEmpty(w, 0x6e); // 'n'
export const writePortalSuspended = (w: MessageWriter): void => writeEmpty(w, 0x73); // 's'

/** CopyInResponse: copy-in mode starts; text (every column text) or binary (every column binary). */
export function writeCopyInResponse(w: MessageWriter, columns: number, binary = false): void {
  w.begin(0x47); // 'G'
  w.int8(binary ? 1 : 0);
  w.int16(columns);
  for (let i = 0; i < columns; i++) w.int16(binary ? 1 : 0);
  w.end();
}

/** CopyOutResponse: copy-out mode starts; text (every column text) or binary (every column binary). */
export function writeCopyOutResponse(w: MessageWriter, columns: number, binary = false): void {
  w.begin(0x48); // 'H'
  w.int8(binary ? 1 : 0);
  w.int16(columns);
  for (let i = 0; i < columns; i++) w.int16(binary ? 1 : 0);
  w.end();
}

export function writeParameterDescription(w: MessageWriter, oids: readonly number[]): void {
  w.begin(0x74); // 't'
  w.int16(oids.length);
  for (const oid of oids) w.uint32(oid);
  w.end();
}

/** NegotiateProtocolVersion: the newest minor version eon speaks and the `_pq_.` options it ignored. */
export function writeNegotiateProtocolVersion(w: MessageWriter, minor: number, unknownOptions: readonly string[]): void {
  w.begin(0x76); // 'v'
  w.int32(minor);
  w.int32(unknownOptions.length);
  for (const o of unknownOptions) w.cstring(o);
  w.end();
}
