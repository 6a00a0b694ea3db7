import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

// An MTOM (XOP) request body, multipart/related (W3C SOAP MTOM, RFC 2387): the SOAP envelope as the
// root part, then one binary part per attachment. It is generated as it is sent, each attachment read
// from its stream when its turn comes, so a document is never held in memory; its length is not known
// beforehand and the body goes out chunked.

export interface MtomAttachment {
  /** Without angle brackets, e.g. `3f1c…@efm`. */
  contentId: string;
  open(): Readable;
}

export interface MtomBody {
  contentType: string;
  body: AsyncIterable<Buffer>;
}

const ROOT_ID = 'root.message@efm';

export function mtomBody(envelope: string, attachments: readonly MtomAttachment[]): MtomBody {
  const boundary = `uuid:${randomBytes(16).toString('hex')}`;
  const contentType = `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<${ROOT_ID}>"; start-info="application/soap+xml"`;
  return { contentType, body: parts(boundary, envelope, attachments) };
}

async function* parts(boundary: string, envelope: string, attachments: readonly MtomAttachment[]): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n`
    + `Content-Transfer-Encoding: binary\r\nContent-ID: <${ROOT_ID}>\r\n\r\n${envelope}\r\n`,
    'utf8',
  );
  for (const attachment of attachments) {
    yield Buffer.from(
      `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n`
      + `Content-ID: <${attachment.contentId}>\r\n\r\n`,
      'utf8',
    );
    for await (const chunk of attachment.open()) yield chunk as Buffer;
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}
