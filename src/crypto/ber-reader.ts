import { encodeLength } from './der.js';
import { CmsFormatError } from './errors.js';

// A pull reader over a byte stream that walks BER one header at a time: small elements are read whole,
// large OCTET STRING contents are handed on piece by piece. Works for indefinite lengths (our own and
// BouncyCastle's output) and definite ones (OpenSSL's DER) alike.

const DEFAULTS = {
  /** Largest element read whole (headers, RecipientInfos, algorithm parameters). */
  maxElementBytes: 1024 * 1024,
} as const;

export interface BerHeader {
  tag: number;
  isConstructed: boolean;
  /** Undefined for an indefinite length. */
  length: number | undefined;
  /** Stream position just past the element when the length is definite. */
  end: number | undefined;
}

export class BerReader {
  readonly #source: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);
  #exhausted = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.#source = toBuffers(source)[Symbol.asyncIterator]();
  }

  async #fill(count: number): Promise<boolean> {
    while (this.#buffer.length < count && !this.#exhausted) {
      const next = await this.#source.next();
      if (next.done) this.#exhausted = true;
      else this.#buffer = this.#buffer.length === 0 ? next.value : Buffer.concat([this.#buffer, next.value]);
    }
    return this.#buffer.length >= count;
  }

  #take(count: number): Buffer {
    const bytes = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    this.position += count;
    return bytes;
  }

  async #readByte(): Promise<number> {
    if (!(await this.#fill(1))) throw new CmsFormatError('truncated');
    return this.#take(1)[0] ?? 0;
  }

  async isAtEof(): Promise<boolean> {
    return !(await this.#fill(1));
  }

  async readHeader(): Promise<BerHeader> {
    const tag = await this.#readByte();
    if ((tag & 0x1f) === 0x1f) throw new CmsFormatError('multi-byte tags are not used by CMS');
    const isConstructed = (tag & 0x20) !== 0;
    const first = await this.#readByte();
    if (first === 0x80) {
      if (!isConstructed) throw new CmsFormatError('indefinite length on a primitive element');
      return { tag, isConstructed, length: undefined, end: undefined };
    }
    let length = first;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count > 6) throw new CmsFormatError('element length out of range');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (await this.#readByte());
    }
    return { tag, isConstructed, length, end: this.position + length };
  }

  /** Reads one whole element (header included), refusing elements larger than the limit. */
  async readElement(maxBytes: number = DEFAULTS.maxElementBytes): Promise<Buffer> {
    const parts: Buffer[] = [];
    await this.#copyElement(parts, this.position + maxBytes);
    return Buffer.concat(parts);
  }

  async #copyElement(parts: Buffer[], limit: number): Promise<void> {
    const header = await this.readHeader();
    // Re-encoded, so a non-minimal BER length comes out minimal; callers parse these bytes, never hash them.
    parts.push(Buffer.concat([Buffer.from([header.tag]), header.length === undefined ? Buffer.from([0x80]) : encodeLength(header.length)]));
    if (header.length !== undefined) {
      if (header.end !== undefined && header.end > limit) throw new CmsFormatError('element larger than expected');
      for await (const piece of this.streamBytes(header.length)) parts.push(Buffer.from(piece));
      return;
    }
    while (!(await this.consumeEndOfContents())) {
      if (this.position > limit) throw new CmsFormatError('element larger than expected');
      await this.#copyElement(parts, limit);
    }
    parts.push(Buffer.from([0, 0]));
  }

  /** Consumes an end-of-contents marker if one is next. */
  async consumeEndOfContents(): Promise<boolean> {
    if (!(await this.#fill(2))) throw new CmsFormatError('truncated');
    if (this.#buffer[0] !== 0 || this.#buffer[1] !== 0) return false;
    this.#take(2);
    return true;
  }

  /** True when the next bytes close the element opened by `header`. */
  async isAtEndOf(header: BerHeader): Promise<boolean> {
    if (header.end !== undefined) return this.position >= header.end;
    if (!(await this.#fill(2))) throw new CmsFormatError('truncated');
    return this.#buffer[0] === 0 && this.#buffer[1] === 0;
  }

  /** Consumes the close of the element opened by `header`: its end-of-contents, or checks its length. */
  async close(header: BerHeader, what: string): Promise<void> {
    if (header.end === undefined) {
      if (!(await this.consumeEndOfContents())) throw new CmsFormatError(`unexpected data at the end of ${what}`);
    } else if (this.position !== header.end) {
      throw new CmsFormatError(`${what} does not end where its length says`);
    }
  }

  async *streamBytes(count: number): AsyncGenerator<Buffer> {
    let remaining = count;
    while (remaining > 0) {
      if (!(await this.#fill(1))) throw new CmsFormatError('truncated');
      const piece = this.#take(Math.min(remaining, this.#buffer.length));
      remaining -= piece.length;
      yield piece;
    }
  }

  /** The bytes of an OCTET STRING, primitive or constructed from segments (BER), in pieces. */
  async *octetString(header: BerHeader): AsyncGenerator<Buffer> {
    if (!header.isConstructed) {
      yield* this.streamBytes(header.length ?? 0);
      return;
    }
    while (!(await this.isAtEndOf(header))) {
      const segment = await this.readHeader();
      if ((segment.tag & 0xdf) !== 0x04) throw new CmsFormatError('a constructed OCTET STRING holds something else');
      yield* this.octetString(segment);
    }
    await this.close(header, 'OCTET STRING');
  }
}

async function* toBuffers(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (buffer.length > 0) yield buffer;
  }
}
