import { fromBER, ObjectIdentifier } from 'asn1js';

// The few bytes of ASN.1 that the schema classes cannot write for us: the BER frame around streamed
// content (indefinite lengths, end-of-contents) and a walker that finds raw element bytes in small DER.

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OCTET_STRING_CONSTRUCTED: 0x24,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  CONTEXT_2: 0xa2,
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

export const END_OF_CONTENTS = Buffer.from([0x00, 0x00]);

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A complete definite-length element. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

/** The opening of a constructed element whose end is marked by END_OF_CONTENTS. */
export function openIndefinite(tag: number): Buffer {
  return Buffer.from([tag, 0x80]);
}

/** A complete OBJECT IDENTIFIER element. */
export function encodeOid(dotted: string): Buffer {
  return Buffer.from(new ObjectIdentifier({ value: dotted }).toBER(false));
}

export function decodeOid(der: Buffer): string {
  const parsed = fromBER(new Uint8Array(der.buffer, der.byteOffset, der.length)).result;
  if (!(parsed instanceof ObjectIdentifier)) throw new RangeError('not an OBJECT IDENTIFIER');
  return parsed.getValue();
}

export interface DerElement {
  tag: number;
  /** The whole element, header (and any end-of-contents) included. */
  raw: Buffer;
  /** The content bytes, without a closing end-of-contents. */
  content: Buffer;
  /** Offset just past the element in the buffer it was read from. */
  end: number;
}

/**
 * Reads one element at `offset` of an in-memory buffer: DER, or BER with indefinite lengths as
 * BouncyCastle writes its SignedData. Single-byte tags only, which is all CMS uses.
 */
export function readElement(der: Buffer, offset: number): DerElement {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new RangeError('truncated element');
  let start = offset + 2;
  if (first === 0x80) {
    let cursor = start;
    while (der[cursor] !== 0 || der[cursor + 1] !== 0) {
      if (cursor >= der.length) throw new RangeError('missing end-of-contents');
      cursor = readElement(der, cursor).end;
    }
    return { tag, raw: der.subarray(offset, cursor + 2), content: der.subarray(start, cursor), end: cursor + 2 };
  }
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 6) throw new RangeError('unsupported length encoding');
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = der[start + i];
      if (byte === undefined) throw new RangeError('truncated length');
      length = length * 256 + byte;
    }
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new RangeError('element runs past its parent');
  return { tag, raw: der.subarray(offset, end), content: der.subarray(start, end), end };
}

/** The children of a constructed element. */
export function readChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  const body = element.content;
  for (let offset = 0; offset < body.length;) {
    const child = readElement(body, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}
