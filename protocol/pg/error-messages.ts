// Maps EonError to ErrorResponse and NoticeResponse, the one place errors reach the wire.

import type { EonError } from '../../src/errors/index.js';
import type { MessageWriter } from './message-writer.js';

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

function writeFields(w: MessageWriter, severity: Severity, e: EonError): void {
  w.int8(0x53); // 'S' localized severity
  w.cstring(severity);
  w.int8(0x56); // 'V' severity, never localized
  w.cstring(severity);
  w.int8(0x43); // 'C' SQLSTATE
  w.cstring(e.sqlstate);
  w.int8(0x4d); // 'M'
  w.cstring(e.message);
  if (e.detail !== undefined) {
    w.int8(0x44); // 'D'
    w.cstring(e.detail);
  }
  if (e.hint !== undefined) {
    w.int8(0x48); // 'H'
    w.cstring(e.hint);
  }
  if (e.position !== undefined) {
    w.int8(0x50); // 'P'
    w.cstring(String(e.position));
  }
  if (e.where !== undefined) {
    w.int8(0x57); // 'W' context
    w.cstring(e.where);
  }
  w.int8(0);
}

export function writeErrorResponse(w: MessageWriter, e: EonError, severity: 'ERROR' | 'FATAL' = 'ERROR'): void {
  w.begin(0x45); // 'E'
  writeFields(w, severity, e);
  w.end();
}

export function writeNoticeResponse(w: MessageWriter, e: EonError, severity: Severity = 'NOTICE'): void {
  w.begin(0x4e); // 'N'
  writeFields(w, severity, e);
  w.end();
}
