import { Readable } from 'node:stream';
import type { Clock } from '../../clock/index.js';
import type { ForsendelseStore, PostAddress, StoredDocument, StoredForsendelse } from './forsendelse-store.js';
import { all, decryptTo, first, text, type DocumentSink, type SoapRequest, type XmlNode } from './soap-request.js';

// The ForsendelsesServiceV9 operations the integration point calls (transports notes §5.4), answered
// from the sandbox's store. Refusals are SOAP faults worded as SvarUt words them, so the transport's
// distinction between final and passing faults is exercised.

const SERVICE_NS = 'http://www.ks.no/svarut/servicesV9';

export interface OperationContext {
  store: ForsendelseStore;
  /** The organisation whose user made the request. */
  orgnr: string;
  request: SoapRequest;
  clock: Clock;
  forsendelseTyper: readonly string[];
  documents: DocumentSink;
}

export type OperationResult = { payload: string } | { fault: string };

export async function handleOperation(ctx: OperationContext): Promise<OperationResult> {
  const { payload } = ctx.request;
  switch (ctx.request.operation) {
    case 'sendForsendelseMedId':
      return sendForsendelse(ctx, first(payload, 'forsendelse'), text(payload, 'forsendelsesid'));
    case 'retreiveForsendelseTyper':
      return response('retreiveForsendelseTyperResponse', ctx.forsendelseTyper.map((t) => element('return', t)).join(''));
    case 'retrieveForsendelseStatuser': {
      const ids = all(payload, 'forsendelseider').map((n) => String(n['#text'] ?? ''));
      const results = ids.map((id) => ctx.store.get(id)).filter((f): f is StoredForsendelse => f !== undefined && f.senderOrgnr === ctx.orgnr);
      return response('retrieveForsendelseStatuserResponse', results.map((f) => `<return>${element('forsendelseStatus', f.status)}${element('forsendelsesid', f.id)}${element('sisteStatusEndring', f.statusChangedAt.toISOString())}</return>`).join(''));
    }
    case 'retrieveForsendelseIdByEksternRef': {
      const ref = text(payload, 'eksternRef');
      const ids = ctx.store.all().filter((f) => f.senderOrgnr === ctx.orgnr && f.eksternref === ref).map((f) => f.id);
      return response('retrieveForsendelseIdByEksternRefResponse', ids.map((id) => element('return', id)).join(''));
    }
    default:
      return { fault: `Ukjent operasjon ${ctx.request.operation}` };
  }
}

async function sendForsendelse(ctx: OperationContext, forsendelse: XmlNode | undefined, forsendelsesid: string | undefined): Promise<OperationResult> {
  if (forsendelse === undefined || forsendelsesid === undefined || forsendelsesid === '') return { fault: 'Ugyldig innhold: forsendelse eller forsendelsesid mangler' };
  if (ctx.store.get(forsendelsesid) !== undefined) return { fault: `Duplikat forsendelsesid ${forsendelsesid}` };
  const mottaker = first(forsendelse, 'mottaker');
  const mottakerOrgnr = text(first(mottaker, 'digitalAdresse'), 'orgnr');
  if (mottakerOrgnr === undefined || mottakerOrgnr === '') return { fault: 'Ugyldig innhold: mottaker mangler orgnr' };
  const documents: StoredDocument[] = [];
  for (const dokument of all(forsendelse, 'dokumenter')) {
    const filnavn = text(dokument, 'filnavn') ?? '';
    const received = await documentOf(ctx, first(dokument, 'data'));
    if (received === undefined) return { fault: `Kan ikke lagre tomt dokument ${filnavn}` };
    if (received instanceof Error) return { fault: `Feil under lesing av dokument ${filnavn}: ${received.message}` };
    documents.push({ filnavn, mimetype: text(dokument, 'mimetype') ?? 'application/octet-stream', ...received });
  }
  const svarSendesTil = first(forsendelse, 'svarSendesTil');
  const metadata = first(forsendelse, 'metadataFraAvleverendeSystem');
  const now = ctx.clock.now();
  ctx.store.add({
    id: forsendelsesid,
    eksternref: text(forsendelse, 'eksternref'),
    senderOrgnr: ctx.orgnr,
    mottakerOrgnr,
    mottaker: postAddressOf(mottaker),
    svarSendesTilOrgnr: text(first(svarSendesTil, 'digitalAdresse'), 'orgnr'),
    svarSendesTil: postAddressOf(svarSendesTil),
    svarPaForsendelse: text(forsendelse, 'svarPaForsendelse'),
    tittel: text(forsendelse, 'tittel'),
    forsendelseType: text(forsendelse, 'forsendelseType'),
    krevNiva4Innlogging: text(forsendelse, 'krevNiva4Innlogging') === 'true',
    metadata: simpleMembers(metadata),
    ekstraMetadata: all(metadata, 'ekstraMetadata').map((e) => ({ key: text(e, 'key') ?? '', value: text(e, 'value') ?? '' })),
    documents,
    status: 'MOTTATT',
    statusChangedAt: now,
    isAcknowledged: false,
    receivedAt: now,
  });
  return response('sendForsendelseMedIdResponse', element('return', forsendelsesid));
}

/** The document behind `data`: an MTOM attachment (xop:Include) or inline base64. */
async function documentOf(ctx: OperationContext, data: XmlNode | undefined): Promise<Omit<StoredDocument, 'filnavn' | 'mimetype'> | Error | undefined> {
  const include = first(data, 'Include');
  const href = include?.['@_href'];
  if (typeof href === 'string') {
    return ctx.request.attachments.get(decodeURIComponent(href.replace(/^cid:/, '')));
  }
  const inline = String(data?.['#text'] ?? '').replace(/\s+/g, '');
  if (inline === '') return undefined;
  return decryptTo(Readable.from([Buffer.from(inline, 'base64')]), ctx.documents);
}

function postAddressOf(adresse: XmlNode | undefined): PostAddress {
  const post = first(adresse, 'postAdresse');
  return { navn: text(post, 'navn'), adresse1: text(post, 'adresse1'), postnr: text(post, 'postnr'), poststed: text(post, 'poststed'), land: text(post, 'land') };
}

/** The members with a plain text value (numbers, codes, dates, titles). */
function simpleMembers(node: XmlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(node ?? {})) {
    const value = text(node, key);
    if (!key.startsWith('@_') && key !== 'ekstraMetadata' && value !== undefined) out[key] = value;
  }
  return out;
}

function response(name: string, inner: string): OperationResult {
  return { payload: `<ns2:${name} xmlns:ns2="${SERVICE_NS}">${inner}</ns2:${name}>` };
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
