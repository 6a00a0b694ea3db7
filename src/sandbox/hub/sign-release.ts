import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { loadOpenPgp } from '../../update/index.js';

// The release manager's step (the reference signs with `gpg --detach-sign --armor`, ops notes §1.3): a
// detached, armoured OpenPGP signature over an archive, streamed from disk.
export interface SignReleaseOptions {
  archive: string;
  /** An armoured OpenPGP private key. */
  privateKey: string;
  passphrase?: string;
  /** The signature's creation time; openpgp's own "now" when absent. */
  date?: Date;
}

export async function signRelease(o: SignReleaseOptions): Promise<string> {
  const openpgp = await loadOpenPgp();
  const read = await openpgp.readPrivateKey({ armoredKey: o.privateKey });
  const signingKey = o.passphrase === undefined ? read : await openpgp.decryptKey({ privateKey: read, passphrase: o.passphrase });
  const message = await openpgp.createMessage({ binary: Readable.toWeb(createReadStream(o.archive)) as ReadableStream<Uint8Array> });
  const signature: unknown = await openpgp.sign({ message, signingKeys: signingKey, detached: true, format: 'armored', ...(o.date ? { date: o.date } : {}) });
  return readText(signature);
}

/** With a streamed message, openpgp hands the armoured signature back as a stream of text. */
async function readText(value: unknown): Promise<string> {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || typeof (value as { getReader?: unknown }).getReader !== 'function') {
    throw new TypeError('openpgp returned no signature');
  }
  const reader = (value as ReadableStream<unknown>).getReader();
  let text = '';
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) return text;
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  }
}
