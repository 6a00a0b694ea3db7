import type { X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import yazl from 'yazl';
import type { Clock } from '../../clock/index.js';
import { createCmsEncryptStream } from '../../crypto/index.js';
import { parseDateTime } from '../../domain/index.js';
import type { ForsendelseStore, StoredForsendelse } from './forsendelse-store.js';

// SvarInn's REST API as the integration point uses it (transports notes §5.4): the list of new
// forsendelser for the calling organisation, the download of one (a zip of its files, CMS-encrypted to
// the receiver's certificate with RSA PKCS#1 v1.5 as SvarInn does), and the acknowledgement, after
// which SvarUt reports the forsendelse LEST.

export const SVARINN_PATH = '/tjenester/svarinn';

export interface SvarInnContext {
  store: ForsendelseStore;
  clock: Clock;
  /** Receivers' certificates by orgnr. */
  certificates: ReadonlyMap<string, X509Certificate>;
  /** This server's URL, for the absolute downloadUrl SvarInn gives. */
  baseUrl: () => string;
}

export function listNew(ctx: SvarInnContext, orgnr: string, res: ServerResponse): void {
  const list = ctx.store.newFor(orgnr).map((f) => forsendelseJson(f, ctx.baseUrl()));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
}

export function download(ctx: SvarInnContext, orgnr: string, id: string, res: ServerResponse): void {
  const forsendelse = ctx.store.get(id);
  if (forsendelse === undefined || forsendelse.mottakerOrgnr !== orgnr) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no forsendelse ${id} for ${orgnr}`);
    return;
  }
  const recipient = ctx.certificates.get(orgnr);
  if (recipient === undefined) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`the sandbox has no certificate for ${orgnr}`);
    return;
  }
  const zip = new yazl.ZipFile();
  for (const document of forsendelse.documents) zip.addReadStream(createReadStream(document.path), document.filnavn);
  zip.end();
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  pipeline(zip.outputStream, createCmsEncryptStream({ recipient, keyTransport: 'rsa-pkcs1' }), res, () => undefined);
}

export function acknowledge(ctx: SvarInnContext, orgnr: string, id: string, res: ServerResponse): void {
  const forsendelse = ctx.store.get(id);
  if (forsendelse === undefined || forsendelse.mottakerOrgnr !== orgnr) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no forsendelse ${id} for ${orgnr}`);
    return;
  }
  forsendelse.isAcknowledged = true;
  ctx.store.setStatus(id, 'LEST', ctx.clock.now());
  res.writeHead(200, { 'content-type': 'application/json' }).end('');
}

/** A Forsendelse as SvarInn lists it (the members the reference reads, and a few more). */
function forsendelseJson(f: StoredForsendelse, baseUrl: string): Record<string, unknown> {
  const m = f.metadata;
  const date = (value: string | undefined) => (value === undefined ? null : parseDateTime(value)?.getTime() ?? null);
  const int = (value: string | undefined) => (value === undefined ? 0 : Number(value));
  return {
    id: f.id,
    tittel: f.tittel ?? null,
    date: f.receivedAt.getTime(),
    mottaker: { orgnr: f.mottakerOrgnr, ...addressJson(f.mottaker), fnr: null },
    svarSendesTil: { orgnr: f.svarSendesTilOrgnr ?? f.senderOrgnr, ...addressJson(f.svarSendesTil), fnr: null },
    svarPaForsendelse: f.svarPaForsendelse ?? null,
    metadataFraAvleverendeSystem: {
      sakssekvensnummer: int(m.sakssekvensnummer),
      saksaar: int(m.saksaar),
      journalaar: int(m.journalaar),
      journalsekvensnummer: int(m.journalsekvensnummer),
      journalpostnummer: int(m.journalpostnummer),
      journalposttype: m.journalposttype ?? null,
      journalstatus: m.journalstatus ?? null,
      journaldato: date(m.journaldato),
      dokumentetsDato: date(m.dokumentetsDato),
      tittel: m.tittel ?? null,
      saksBehandler: m.saksbehandler ?? null,
      ekstraMetadata: f.ekstraMetadata,
    },
    status: 'Klar for mottak',
    niva: f.krevNiva4Innlogging ? '4' : '3',
    filmetadata: f.documents.map((d) => ({ filnavn: d.filnavn, mimetype: d.mimetype, sha256hash: d.sha256, dokumentType: null, size: d.size })),
    forsendelseType: f.forsendelseType ?? null,
    eksternRef: f.eksternref ?? null,
    lenker: [],
    downloadUrl: `${baseUrl}${SVARINN_PATH}/mottaker/forsendelse/${encodeURIComponent(f.id)}`,
  };
}

function addressJson(a: StoredForsendelse['mottaker']): Record<string, string | null> {
  return { navn: a.navn ?? null, adresse1: a.adresse1 ?? null, postnr: a.postnr ?? null, poststed: a.poststed ?? null, land: a.land ?? null };
}
