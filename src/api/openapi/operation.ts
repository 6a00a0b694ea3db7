import type { Json } from './json.js';

export interface OperationSpec {
  /** Unique in the document: client generators name their methods after it. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
  /** Reachable without credentials (health probes). */
  open?: boolean;
}

export function operation(s: OperationSpec): Json {
  const op: Json = { operationId: s.operationId, tags: [s.tag], summary: s.summary };
  if (s.description) op.description = s.description;
  if (s.parameters && s.parameters.length > 0) op.parameters = s.parameters;
  if (s.requestBody) op.requestBody = s.requestBody;
  op.responses = s.responses;
  if (s.open) op.security = [];
  return op;
}
