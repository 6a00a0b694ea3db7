// The ASN.1 of the CMS we write, by hand: the BER frame around streamed content (indefinite lengths,
// end-of-contents), the small DER structures every message carries, and a walker that finds raw element
// bytes in small DER. The schema classes (@peculiar/asn1-schema) cost about a millisecond per structure,
// more than the RSA operation beside them; they stay for reading what others send.

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
  NULL: 0x05,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
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

/** The few OIDs we write, encoded once each. */
const encodedOids = new Map<string, Buffer>();

/** A complete OBJECT IDENTIFIER element (X.690 §8.19). */
export function encodeOid(dotted: string): Buffer {
  const known = encodedOids.get(dotted);
  if (known !== undefined) return known;
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new RangeError(`bad OID ${dotted}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) throw new RangeError(`bad OID ${dotted}`);
  const body: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) body.push(...base128(arc));
  const der = tlv(TAG.OID, Buffer.from(body));
  if (encodedOids.size < 256) encodedOids.set(dotted, der);
  return der;
}

function base128(value: bigint): number[] {
  const bytes = [Number(value & 0x7fn)];
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) bytes.unshift(Number(rest & 0x7fn) | 0x80);
  return bytes;
}

/** The dotted form of a complete OBJECT IDENTIFIER element. */
export function decodeOid(der: Buffer): string {
  const element = readElement(der, 0);
  if (element.tag !== TAG.OID || element.content.length === 0) throw new RangeError('not an OBJECT IDENTIFIER');
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < element.content.length; i++) {
    const byte = element.content[i] ?? 0;
    if (value === 0n && byte === 0x80) throw new RangeError('OBJECT IDENTIFIER arc with a leading zero byte');
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    } else if (i === element.content.length - 1) {
      throw new RangeError('truncated OBJECT IDENTIFIER');
    }
  }
  const [head, ...rest] = arcs as [bigint, ...bigint[]];
  const first = head < 40n ? 0n : head < 80n ? 1n : 2n;
  return [first, head - first * 40n, ...rest].join('.');
}

/** A small non-negative INTEGER (versions, lengths). */
export function encodeSmallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError(`integer ${value} out of range`);
  return Buffer.from([TAG.INTEGER, 1, value]);
}

export const DER_NULL = Buffer.from([TAG.NULL, 0x00]);

/** AlgorithmIdentifier: the OID and, when given, its parameters' complete element. */
export function algorithmIdentifierDer(oid: string, parameters?: Buffer): Buffer {
  return parameters === undefined ? tlv(TAG.SEQUENCE, encodeOid(oid)) : tlv(TAG.SEQUENCE, encodeOid(oid), parameters);
}

export interface AlgorithmIdentifierParts {
  algorithm: string;
  /** The parameters' complete element; absent when the identifier has none. */
  parameters?: Buffer;
}

export function parseAlgorithmIdentifier(der: Buffer): AlgorithmIdentifierParts {
  const element = readElement(der, 0);
  if (element.tag !== TAG.SEQUENCE) throw new RangeError('AlgorithmIdentifier is not a SEQUENCE');
  const [oid, parameters, extra] = readChildren(element);
  if (oid === undefined || extra !== undefined) throw new RangeError('AlgorithmIdentifier has the wrong number of fields');
  return parameters === undefined ? { algorithm: decodeOid(oid.raw) } : { algorithm: decodeOid(oid.raw), parameters: parameters.raw };
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
