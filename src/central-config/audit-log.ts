// The audit trail of central configuration: one JSON object per line, only ever appended. A change line
// says which key went from what to what (secrets masked), from which document (serial and SHA-256 of
// the JWS), when, and whether it applies now or at the next start.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RejectionReason } from './errors.js';

export interface DocumentRef {
  serial: number | undefined;
  sha256: string;
}

export type AuditRecord =
  | { event: 'accepted'; document: DocumentRef & { iss?: string; issuedAt: string; expiresAt: string }; changes: number }
  | { event: 'change'; key: string; old: unknown; new: unknown; applies: 'now' | 'restart'; document: DocumentRef }
  | { event: 'rejected'; reason: RejectionReason; message: string; document: DocumentRef };

export async function appendAudit(path: string, at: Date, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const text = records.map((r) => `${JSON.stringify({ at: at.toISOString(), ...r })}\n`).join('');
  // One write for all lines of a document, so a reader never sees half a change set.
  await appendFile(path, text, { mode: 0o600, flag: 'a' });
}
