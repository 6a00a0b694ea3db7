import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import yauzl from 'yauzl';

// A recording HTTP proxy in front of the sandbox's Altinn broker, for the tests that must tell which
// message each broker file transfer carried. The broker only sees an opaque upload; the tap keeps the
// `sbd.json` of every upload the broker accepted, so a test can count completed transfers per
// messageId. A test may also hold the broker's answer to an upload for a moment (to crash the sender
// after the broker has the file but before the sender heard so).

export interface TappedUpload {
  fileTransferId: string;
  /** The SBD's messageId; a status message carries the messageId of the message it answers. */
  messageId: string;
  /** `arkivmelding`, `status` … */
  type: string;
  /** MOTTATT or LEVERT for a status message. */
  status?: string;
  /** Real time the broker answered the upload. */
  at: number;
}

export interface BrokerTap {
  /** Use as `efm.dpo.brokerservice-url`. */
  brokerUrl: string;
  /** Uploads the broker answered with 200, in that order. */
  readonly uploads: readonly TappedUpload[];
  /**
   * The next time the broker accepts an upload, `onAccepted` runs before its answer goes back to the
   * sender (the answer is dropped if the sender is gone by then).
   */
  holdNextAcceptedUpload(onAccepted: (upload: TappedUpload) => Promise<void>): void;
  close(): Promise<void>;
}

/** Uploads above this are forwarded but not recorded (the tests send small messages). */
const MAX_RECORDED_BYTES = 8 * 1024 * 1024;
const UPLOAD_PATH = /\/filetransfer\/([^/]+)\/upload$/;

export async function startBrokerTap(upstreamBrokerUrl: string): Promise<BrokerTap> {
  const upstream = new URL(upstreamBrokerUrl);
  const uploads: TappedUpload[] = [];
  let hold: ((upload: TappedUpload) => Promise<void>) | undefined;

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const path = `${upstream.pathname.replace(/\/$/, '')}${(req.url ?? '/').slice(TAP_PREFIX.length)}`;
    const uploadOf = UPLOAD_PATH.exec(path.split('?')[0] ?? '')?.[1];
    const chunks: Buffer[] = [];
    let recorded = 0;
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (c: Buffer) => body.push(c));
      answer.on('end', () => {
        const reply = (): void => {
          if (res.destroyed) return;
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
        };
        if (uploadOf === undefined || answer.statusCode !== 200 || recorded > MAX_RECORDED_BYTES) {
          reply();
          return;
        }
        void recordUpload(uploadOf, Buffer.concat(chunks)).then(async (upload) => {
          uploads.push(upload);
          const held = hold;
          hold = undefined;
          if (held !== undefined) await held(upload);
        }).finally(reply);
      });
      answer.on('error', () => res.destroy());
    });
    out.on('error', () => res.destroy());
    req.on('data', (c: Buffer) => {
      if (uploadOf !== undefined && recorded <= MAX_RECORDED_BYTES) chunks.push(c);
      recorded += c.length;
    });
    // The sender died mid-request: the broker must see the same broken-off upload.
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  };

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    brokerUrl: `http://127.0.0.1:${port}${TAP_PREFIX}`,
    uploads,
    holdNextAcceptedUpload(onAccepted) { hold = onAccepted; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

const TAP_PREFIX = '/tap';

async function recordUpload(fileTransferId: string, zipBytes: Buffer): Promise<TappedUpload> {
  const sbd = JSON.parse((await zipEntry(zipBytes, 'sbd.json')).toString('utf8')) as {
    standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string; type: string } };
    status?: { status?: string };
  };
  const identification = sbd.standardBusinessDocumentHeader.documentIdentification;
  return { fileTransferId, messageId: identification.instanceIdentifier, type: identification.type, status: sbd.status?.status, at: Date.now() };
}

function zipEntry(bytes: Buffer, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(parts));
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in the upload`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
