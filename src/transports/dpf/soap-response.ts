import { XmlReadError } from './errors.js';
import { childElements, childText, firstChild, parseXmlTree, textContent, type XmlElement } from './xml-tree.js';

// Reading SvarUt's answers: a SOAP envelope, plain or as the root part of an MTOM multipart/related
// body (CXF answers MTOM-enabled calls that way), holding either the operation's response element or a
// Fault (SOAP 1.2 Reason/Text, SOAP 1.1 faultstring).

export type SoapAnswer = { kind: 'response'; payload: XmlElement } | { kind: 'fault'; text: string };

/** Throws XmlReadError when the body is no SOAP envelope. */
export function readSoapAnswer(contentType: string | undefined, body: Buffer): SoapAnswer {
  const envelope = parseXmlTree(rootPart(contentType, body).toString('utf8'));
  if (envelope.name !== 'Envelope') throw new XmlReadError(`the answer is no SOAP envelope but <${envelope.qname}>`);
  const soapBody = firstChild(envelope, 'Body');
  const payload = childElements(soapBody)[0];
  if (payload === undefined) throw new XmlReadError('the SOAP answer has an empty Body');
  if (payload.name === 'Fault') return { kind: 'fault', text: faultText(payload) };
  return { kind: 'response', payload };
}

/** The `return` elements of a response, as text. */
export function returnValues(payload: XmlElement): string[] {
  return childElements(payload, 'return').map((r) => textContent(r).trim());
}

function faultText(fault: XmlElement): string {
  const reason = firstChild(fault, 'Reason');
  const text = reason ? childText(reason, 'Text') : childText(fault, 'faultstring');
  return (text ?? textContent(fault)).trim();
}

function rootPart(contentType: string | undefined, body: Buffer): Buffer {
  if (contentType === undefined || !/^\s*multipart\//i.test(contentType)) return body;
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary === undefined) throw new XmlReadError('a multipart SOAP answer without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const first = body.indexOf(delimiter);
  const next = first < 0 ? -1 : body.indexOf(delimiter, first + delimiter.length);
  if (next < 0) throw new XmlReadError('a multipart SOAP answer without parts');
  const part = body.subarray(first + delimiter.length, next);
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new XmlReadError('a multipart SOAP answer part without headers');
  return part.subarray(headerEnd + 4, part.length - 2);
}
