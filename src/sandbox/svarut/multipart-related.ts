// A streaming reader of multipart/related bodies (RFC 2387), as SOAP MTOM requests arrive: the parts
// come one after another, each part's body streamed out as it is read, so a large attachment is never
// held whole. Each part's body must be read to its end before the next part is asked for.

export interface RelatedPart {
  /** Lower-cased header names. */
  headers: ReadonlyMap<string, string>;
  body: AsyncGenerator<Buffer>;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string): string | undefined {
  return /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
}

/** The value of a Content-Type parameter, e.g. `start`. */
export function parameterOf(contentType: string, name: string): string | undefined {
  return new RegExp(`(?:^|;)\\s*${name}="?([^";]+)"?`, 'i').exec(contentType)?.[1];
}

export async function* relatedParts(source: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<RelatedPart> {
  const reader = new ChunkReader(source[Symbol.asyncIterator]());
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  await reader.skipPast(opening, MAX_HEADER_BYTES);
  for (;;) {
    if (await reader.startsWith(Buffer.from('--'))) return;
    if (!(await reader.startsWith(CRLF))) throw new Error('a multipart delimiter is not followed by CRLF');
    reader.consume(CRLF.length);
    const headers = parseHeaders((await reader.readUntil(HEADER_END, MAX_HEADER_BYTES)).toString('latin1'));
    let isRead = false;
    const body = (async function* () {
      yield* reader.streamUntil(delimiter);
      isRead = true;
    })();
    yield { headers, body };
    // Whatever the consumer left of this body is skipped.
    if (!isRead) for await (const chunk of reader.streamUntil(delimiter)) void chunk;
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

class ChunkReader {
  #buffer = Buffer.alloc(0);
  #isDone = false;
  readonly #source: AsyncIterator<Buffer>;

  constructor(source: AsyncIterator<Buffer>) {
    this.#source = source;
  }

  async #fill(): Promise<boolean> {
    if (this.#isDone) return false;
    const next = await this.#source.next();
    if (next.done === true) {
      this.#isDone = true;
      return false;
    }
    this.#buffer = Buffer.concat([this.#buffer, next.value]);
    return true;
  }

  consume(bytes: number): void {
    this.#buffer = this.#buffer.subarray(bytes);
  }

  async startsWith(prefix: Buffer): Promise<boolean> {
    while (this.#buffer.length < prefix.length) {
      if (!(await this.#fill())) return false;
    }
    return this.#buffer.subarray(0, prefix.length).equals(prefix);
  }

  async skipPast(marker: Buffer, maxBytes: number): Promise<void> {
    await this.readUntil(marker, maxBytes);
  }

  /** The bytes before `marker` (which is consumed too), at most `maxBytes` of them. */
  async readUntil(marker: Buffer, maxBytes: number): Promise<Buffer> {
    for (;;) {
      const at = this.#buffer.indexOf(marker);
      if (at >= 0) {
        const before = Buffer.from(this.#buffer.subarray(0, at));
        this.consume(at + marker.length);
        return before;
      }
      if (this.#buffer.length > maxBytes) throw new Error('a multipart header block is too long');
      if (!(await this.#fill())) throw new Error('the multipart body ends too early');
    }
  }

  /** Streams the bytes before `marker`, keeping back only what could be the start of it. */
  async *streamUntil(marker: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.#buffer.indexOf(marker);
      if (at >= 0) {
        const before = Buffer.from(this.#buffer.subarray(0, at));
        this.consume(at + marker.length);
        if (before.length > 0) yield before;
        return;
      }
      const safe = this.#buffer.length - (marker.length - 1);
      if (safe > 0) {
        const out = Buffer.from(this.#buffer.subarray(0, safe));
        this.consume(safe);
        yield out;
      }
      if (!(await this.#fill())) throw new Error('a multipart part is not terminated');
    }
  }
}
