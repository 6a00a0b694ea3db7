// The document is plain JSON; these helpers keep the many `$ref`s and media-type maps short and
// consistent, so that a typo in a reference is a failing test rather than a broken client build.
export type Json = Record<string, unknown>;

export type ComponentKind = 'schemas' | 'responses' | 'parameters' | 'headers' | 'requestBodies' | 'securitySchemes';

export function ref(kind: ComponentKind, name: string): Json {
  return { $ref: `#/components/${kind}/${name}` };
}

export const schemaRef = (name: string): Json => ref('schemas', name);

export function jsonContent(schema: Json, example?: unknown): Json {
  const media: Json = { schema };
  if (example !== undefined) media.example = example;
  return { 'application/json': media };
}

/** A response whose body is one JSON document. */
export function jsonResponse(description: string, schema: Json, headers?: Json): Json {
  const r: Json = { description, content: jsonContent(schema) };
  if (headers) r.headers = headers;
  return r;
}

/** A response without a body (the reference answers 200 with nothing for most writes). */
export function emptyResponse(description: string, headers?: Json): Json {
  const r: Json = { description };
  if (headers) r.headers = headers;
  return r;
}
