import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../clock/index.js';
import { createAsicStream, createCmsDecryptStream, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import { receiverOf, senderOf } from '../../domain/index.js';
import { randomId, type IdGenerator } from '../../ids/index.js';
import type { Logger } from '../../logging/index.js';
import { BUSINESS_MANIFEST, businessManifestXml } from '../dpo/index.js';
import type { IncomingMessage, IncomingSink } from '../port.js';
import type { BasicCredentials, FiksCredentials } from './credentials.js';
import { UnreadableForsendelseError } from './errors.js';
import { svarInnArkivmelding } from './svarinn-arkivmelding.js';
import type { SvarInnClient } from './svarinn-client.js';
import { readSvarInnForsendelse, type SvarInnForsendelse } from './svarinn-forsendelse.js';
import { svarInnSbd, type SvarInnSbdSettings } from './svarinn-sbd.js';
import { listZip, type ZipListing } from './svarinn-zip.js';

// One SvarInn poll (transports notes §5.4 SvarInn): per receiving organisation, each new forsendelse is
// downloaded, decrypted with our FIKS key into a zip in the work folder, and rebuilt as the reference
// does — an SBD, and a CAdES ASiC-E of manifest.xml, a made arkivmelding.xml and the files. The ASiC-E
// streams to the sink as it is written; SvarInn's kvitterMottak follows only once the sink has the
// message. A forsendelse that fails is left unacknowledged, so SvarInn lists it again next poll.

export interface DpfPoller {
  client: SvarInnClient;
  credentials: FiksCredentials;
  /** `efm.fiks.keystore`: SvarInn encrypts to this certificate. */
  decryptionKey: KeystoreEntry;
  /** Our business key: signs the rebuilt ASiC-E. */
  signer: KeystoreEntry;
  /** Draws the systemIDs of the made arkivmelding (CONTRACT.md §4). */
  ids: IdGenerator;
  clock: Clock;
  sbd: SvarInnSbdSettings;
  tempDir: string;
  /** Largest download accepted: the upload limit plus room for the zip and CMS around it. */
  maxDownloadBytes: number;
  log: Logger;
}

const ARKIVMELDING = { name: 'arkivmelding.xml', mimetype: 'application/xml' } as const;
const DEFAULT_MIMETYPE = 'application/octet-stream';

/** Every organisation's mailbox is read; when one cannot be listed, the others still are and its error ends the run. */
export async function pollDpf(poller: DpfPoller, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  let failure: unknown;
  for (const orgnr of poller.credentials.organisations) {
    const user = poller.credentials.forOrganisation(orgnr);
    if (user === undefined || signal.aborted) continue;
    let listed: unknown[];
    try {
      listed = await poller.client.newForsendelser(user, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      failure ??= error;
      continue;
    }
    for (const entry of listed) {
      if (signal.aborted) return;
      await receive(poller, { orgnr, user }, entry, sink, signal);
    }
  }
  if (failure !== undefined) throw failure;
}

interface Mailbox {
  orgnr: string;
  user: BasicCredentials;
}

async function receive(poller: DpfPoller, mailbox: Mailbox, entry: unknown, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  let forsendelse: SvarInnForsendelse;
  try {
    forsendelse = readSvarInnForsendelse(entry);
  } catch (error) {
    poller.log.warn({ orgnr: mailbox.orgnr, err: error }, 'SvarInn listed an entry that is no forsendelse; skipped');
    return;
  }
  const log = poller.log.child({ forsendelseId: forsendelse.id, messageId: forsendelse.id, serviceIdentifier: 'DPF', direction: 'INCOMING' });
  const zipPath = join(poller.tempDir, `svarinn-${randomId()}.zip`);
  let listing: ZipListing | undefined;
  let incoming: IncomingMessage | undefined;
  try {
    await downloadZip(poller, mailbox.user, forsendelse, zipPath, signal);
    listing = await listZip(zipPath);
    incoming = rebuild(poller, forsendelse, mailbox.orgnr, listing);
    const outcome = await sink.accept(incoming, 'DPF');
    log.debug({ outcome }, 'SvarInn forsendelse accepted');
  } catch (error) {
    if (signal.aborted) throw error;
    const level = error instanceof UnreadableForsendelseError ? 'warn' : 'error';
    log[level]({ err: error }, 'SvarInn forsendelse not received; it stays at SvarInn for the next poll');
    return;
  } finally {
    // What the sink left unread is dropped before the zip it reads from is closed.
    incoming?.asic?.content.destroy();
    listing?.close();
    await rm(zipPath, { force: true });
  }
  try {
    await poller.client.kvitterMottak(mailbox.user, forsendelse.id, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    // SvarInn lists it again; the inbox then knows the messageId and it is acknowledged as a duplicate.
    log.warn({ err: error }, 'SvarInn forsendelse not acknowledged; trying again next poll');
  }
}

async function downloadZip(poller: DpfPoller, user: BasicCredentials, forsendelse: SvarInnForsendelse, zipPath: string, signal: AbortSignal): Promise<void> {
  const body = await poller.client.download(user, forsendelse.downloadUrl, signal);
  try {
    await pipeline(body, byteLimit(poller.maxDownloadBytes), createCmsDecryptStream(poller.decryptionKey), createWriteStream(zipPath), { signal });
  } catch (error) {
    if (error instanceof UnreadableForsendelseError || signal.aborted) throw error;
    throw new UnreadableForsendelseError(`the forsendelse cannot be downloaded and decrypted: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function rebuild(poller: DpfPoller, forsendelse: SvarInnForsendelse, orgnr: string, listing: ZipListing): IncomingMessage {
  const now = poller.clock.now();
  const sbd = svarInnSbd(forsendelse, orgnr, poller.sbd, now);
  const sender = senderOf(sbd);
  const receiver = receiverOf(sbd);
  if (sender === undefined || receiver === undefined) throw new UnreadableForsendelseError('the rebuilt SBD lacks a sender or receiver');
  const mimetypes = new Map(forsendelse.filmetadata.map((f) => [f.filnavn, f.mimetype ?? DEFAULT_MIMETYPE]));
  const documents: AsicDocument[] = [
    { ...BUSINESS_MANIFEST, content: businessManifestXml({ receiver, sender, primaryDocument: { filename: ARKIVMELDING.name, mimetype: ARKIVMELDING.mimetype } }) },
    { ...ARKIVMELDING, content: svarInnArkivmelding(forsendelse, poller.ids, now) },
    ...listing.files.map((file) => ({ name: file.name, mimetype: mimetypes.get(file.name) ?? DEFAULT_MIMETYPE, content: file.open })),
  ];
  try {
    return { sbd, asic: { content: createAsicStream({ documents, signer: poller.signer, clock: poller.clock }), encrypted: false } };
  } catch (error) {
    throw new UnreadableForsendelseError(`the forsendelse's files cannot go into an ASiC-E: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function byteLimit(maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new UnreadableForsendelseError(`the forsendelse is larger than ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
}
