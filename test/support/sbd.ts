import { randomUUID } from 'node:crypto';

// Builders for the SBDs the API tests send (the shape of api notes §3.1).
export interface SbdOptions {
  messageId?: string | null;
  conversationId?: string | null;
  receiver?: string | null;
  sender?: string | null;
  process?: string;
  standard?: string;
  type?: string;
  expectedResponseDateTime?: string | null;
  business?: Record<string, unknown>;
}

export const ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
export const ARKIVMELDING_STANDARD = 'urn:no:difi:arkivmelding:xsd::arkivmelding';

export function arkivmeldingSbd(o: SbdOptions = {}): Record<string, unknown> {
  const type = o.type ?? 'arkivmelding';
  const scope: Record<string, unknown> = {
    type: 'ConversationId',
    identifier: o.process ?? ARKIVMELDING_PROCESS,
  };
  if (o.conversationId !== null) scope.instanceIdentifier = o.conversationId ?? randomUUID();
  if (o.expectedResponseDateTime !== null) scope.scopeInformation = [{ expectedResponseDateTime: o.expectedResponseDateTime ?? '2019-04-25T12:00:00+02:00' }];
  const header: Record<string, unknown> = {
    headerVersion: '1.0',
    documentIdentification: {
      standard: o.standard ?? ARKIVMELDING_STANDARD,
      typeVersion: '2.0',
      type,
      ...(o.messageId === null ? {} : { instanceIdentifier: o.messageId ?? randomUUID() }),
    },
    businessScope: { scope: [scope] },
  };
  if (o.receiver !== null) header.receiver = [{ identifier: { authority: 'iso6523-actorid-upis', value: o.receiver ?? '0192:910075918' } }];
  if (o.sender !== null) header.sender = [{ identifier: { authority: 'iso6523-actorid-upis', value: o.sender ?? '0192:910077473' } }];
  return { standardBusinessDocumentHeader: header, [type]: o.business ?? { hoveddokument: 'vedtak.pdf' } };
}

export function messageIdOf(sbd: Record<string, unknown>): string {
  const header = sbd.standardBusinessDocumentHeader as { documentIdentification: { instanceIdentifier: string } };
  return header.documentIdentification.instanceIdentifier;
}

/** A minimal arkivmelding.xml that references the given files. */
export function arkivmeldingXml(title: string, files: string[]): string {
  const docs = files.map((f, i) => `
      <dokumentbeskrivelse>
        <dokumenttype>Brev</dokumenttype>
        <dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus>
        <tittel>Dokument ${i + 1}</tittel>
        <tilknyttetRegistreringSom>${i === 0 ? 'Hoveddokument' : 'Vedlegg'}</tilknyttetRegistreringSom>
        <dokumentnummer>${i + 1}</dokumentnummer>
        <dokumentobjekt>
          <versjonsnummer>1</versjonsnummer>
          <variantformat>Produksjonsformat</variantformat>
          <referanseDokumentfil>${f}</referanseDokumentfil>
        </dokumentobjekt>
      </dokumentbeskrivelse>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding">
  <system>Test</system>
  <meldingId>1</meldingId>
  <tidspunkt>2019-03-25T12:00:00+01:00</tidspunkt>
  <antallFiler>${files.length}</antallFiler>
  <mappe xsi:type="saksmappe" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <systemID>sak-42</systemID>
    <tittel>Sak</tittel>
    <registrering xsi:type="journalpost">
      <systemID>jp-1</systemID>
      <tittel>${title}</tittel>
      <offentligTittel>${title}</offentligTittel>${docs}
      <journalpostnummer>7</journalpostnummer>
    </registrering>
  </mappe>
</arkivmelding>`;
}

export const EINNSYN_INNSYNSKRAV_PROCESS = 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0';
export const ARKIVMELDING_RESPONSE_PROCESS = 'urn:no:difi:profile:arkivmelding:response:ver1.0';

/** An eInnsyn access request (DPE in the demo registry). */
export function innsynskravSbd(o: SbdOptions = {}): Record<string, unknown> {
  return arkivmeldingSbd({
    process: EINNSYN_INNSYNSKRAV_PROCESS, standard: 'urn:no:difi:einnsyn:xsd::innsynskrav', type: 'innsynskrav',
    business: { orgnr: '910077473', epost: 'innsyn@example.no' }, ...o,
  });
}

/** An arkivmelding receipt answering `relatedToMessageId`. */
export function kvitteringSbd(relatedToMessageId: string, o: SbdOptions = {}): Record<string, unknown> {
  return arkivmeldingSbd({
    process: ARKIVMELDING_RESPONSE_PROCESS, standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering',
    type: 'arkivmelding_kvittering', business: { receiptType: 'OK', relatedToMessageId }, ...o,
  });
}

export function conversationIdOf(sbd: Record<string, unknown>): string {
  const header = sbd.standardBusinessDocumentHeader as { businessScope: { scope: { instanceIdentifier: string }[] } };
  const scope = header.businessScope.scope[0];
  if (!scope) throw new Error('the SBD has no scope');
  return scope.instanceIdentifier;
}
