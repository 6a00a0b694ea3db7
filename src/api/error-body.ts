import { STATUS_CODES } from 'node:http';
import type { FieldProblem } from '../domain/errors.js';

// The reference's Spring Boot error shape (api notes §1.3) — reference clients parse it — with our stable
// `code` and the RFC 9457 problem members beside it.
export interface ErrorBodyInput {
  status: number;
  message: string;
  path: string;
  timestamp: string;
  exception?: string;
  code: string;
  description?: string;
  problems?: FieldProblem[];
  correlationId?: string;
}

export function errorBody(input: ErrorBodyInput): Record<string, unknown> {
  const title = STATUS_CODES[input.status] ?? 'Error';
  const body: Record<string, unknown> = {
    timestamp: input.timestamp,
    status: input.status,
    error: title,
  };
  if (input.exception) body.exception = input.exception;
  body.message = input.message;
  body.path = input.path;
  if (input.problems && input.problems.length > 0) body.errors = input.problems.map(springFieldError);
  if (input.description) body.description = input.description;
  body.code = input.code;
  body.type = `urn:efm:problem:${input.code.toLowerCase()}`;
  body.title = title;
  body.detail = input.message;
  body.instance = input.path;
  if (input.correlationId) body.correlationId = input.correlationId;
  return body;
}

function springFieldError(p: FieldProblem): Record<string, unknown> {
  const out: Record<string, unknown> = {
    codes: [p.code],
    defaultMessage: p.message,
    objectName: p.field,
    field: p.field,
  };
  if (p.rejectedValue !== undefined) out.rejectedValue = p.rejectedValue;
  out.bindingFailure = false;
  out.code = p.code;
  return out;
}
