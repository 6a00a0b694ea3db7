import { describe, expect, it } from 'vitest';
import {
  ForsendelseTypeNotFoundError, InvalidSbdError, MessageChannelInvalidError, MessageTypeDoesNotFitDocumentTypeError,
  MissingAddressInformationError, MissingSvarUtCredentialsError, ReceiverError, SenderError, ServiceNotEnabledError,
  UnknownMessageTypeError, checkForsendelseType, validateForCreate, type CreateRulesContext, type StandardBusinessDocument,
} from '../../src/domain/index.js';
import { CREATE_VALIDATION_ROWS, HARNESS_NOW, OTHER_ORG, OWN_ORG, sbd } from './builders.js';

const CTX: CreateRulesContext = {
  ownOrgNumber: OWN_ORG,
  serviceIdentifier: 'DPO',
  enabledServices: ['DPO', 'DPI', 'DPF', 'DPV', 'DPE'],
  now: HARNESS_NOW,
};

const PRINT_PROCESS = 'urn:no:difi:profile:digitalpost:info:ver1.0';
const PRINT_STANDARD = 'urn:no:difi:digitalpost:xsd:fysisk::print';
const ADDRESS = { navn: 'Ola', adresselinje1: 'Fjellveien 1', postnummer: '3400', poststed: 'FJELLET', land: 'Norway' };

function print(business: Record<string, unknown>): StandardBusinessDocument {
  return sbd({ type: 'print', standard: PRINT_STANDARD, process: PRINT_PROCESS, receiver: null, business: { hoveddokument: 'a.pdf', ...business } });
}

function errorOf(fn: () => void): Error {
  try { fn(); } catch (e) { if (e instanceof Error) return e; }
  throw new Error('expected a refusal');
}

describe(validateForCreate.name, () => {
  it('passes the SBDs of the create-validation feature (row 3 fails later, on its reused messageId)', () => {
    for (const row of CREATE_VALIDATION_ROWS) expect(() => validateForCreate(sbd(row), CTX)).not.toThrow();
  });

  it('refuses a service that is not enabled, and UNKNOWN always', () => {
    const e = errorOf(() => validateForCreate(sbd(), { ...CTX, serviceIdentifier: 'DPH' }));
    expect(e).toBeInstanceOf(ServiceNotEnabledError);
    expect(e.message).toBe('Service DPH is not enabled');
    expect(() => validateForCreate(sbd(), { ...CTX, serviceIdentifier: 'UNKNOWN', enabledServices: ['UNKNOWN'] })).toThrow(ServiceNotEnabledError);
  });

  it('refuses a type that does not fit its standard with the reference message', () => {
    const e = errorOf(() => validateForCreate(sbd({ standard: 'urn:no:difi:avtalt:xsd::avtalt' }), CTX));
    expect(e).toBeInstanceOf(MessageTypeDoesNotFitDocumentTypeError);
    expect(e.message).toBe('Message type arkivmelding does not match the document type urn:no:difi:avtalt:xsd::avtalt');
    expect((e as MessageTypeDoesNotFitDocumentTypeError).exception).toBe('no.difi.meldingsutveksling.exceptions.MessageTypeDoesNotFitDocumentTypeException');
  });

  it('refuses an unknown type', () => {
    expect(() => validateForCreate(sbd({ type: 'strange' }), CTX)).toThrow(UnknownMessageTypeError);
  });

  it('refuses a TTL that has passed at create as a 400 field problem', () => {
    const e = errorOf(() => validateForCreate(sbd({ expectedResponseDateTime: '2019-03-25T11:00:00+01:00' }), CTX));
    expect(e).toBeInstanceOf(InvalidSbdError);
    expect((e as InvalidSbdError).problems[0]?.code).toBe('Future');
  });

  it('refuses a DPO message channel other than the configured one', () => {
    const withChannel = sbd({ extraScopes: [{ type: 'MessageChannel', identifier: 'other' }] });
    const e = errorOf(() => validateForCreate(withChannel, { ...CTX, messageChannel: 'mine' }));
    expect(e).toBeInstanceOf(MessageChannelInvalidError);
    expect(e.message).toBe('Valid channels: mine, but found other in SBDH');
    expect(() => validateForCreate(withChannel, CTX)).not.toThrow();
    expect(() => validateForCreate(withChannel, { ...CTX, serviceIdentifier: 'DPF', messageChannel: 'mine' })).not.toThrow();
  });

  describe('print addresses (§5.2 step 9)', () => {
    const ctx = { ...CTX, serviceIdentifier: 'DPI' as const };
    const field = (business: Record<string, unknown>) => (errorOf(() => validateForCreate(print(business), ctx)) as MissingAddressInformationError).field;

    it('accepts full Norwegian and foreign addresses', () => {
      expect(() => validateForCreate(print({ mottaker: ADDRESS, retur: { mottaker: ADDRESS } }), ctx)).not.toThrow();
      const foreign = { adresselinje1: '1 Main St', land: 'Sweden' };
      expect(() => validateForCreate(print({ mottaker: foreign, retur: { mottaker: foreign } }), ctx)).not.toThrow();
    });

    it('names the missing part as the reference does', () => {
      expect(field({})).toBe('mottaker');
      expect(field({ mottaker: { navn: 'Ola', land: 'Norway' }, retur: { mottaker: ADDRESS } })).toBe('mottaker.postnummer/poststed/adresselinje1');
      expect(field({ mottaker: ADDRESS })).toBe('retur');
      expect(field({ mottaker: ADDRESS, retur: {} })).toBe('retur.mottaker');
      expect(field({ mottaker: ADDRESS, retur: { mottaker: { ...ADDRESS, postnummer: '', poststed: '', land: 'Norge' } } }))
        .toBe('retur.postnummer/poststed/adresselinje1');
    });

    it('treats a missing land as Norway', () => {
      const { land: _land, ...noLand } = ADDRESS;
      expect(field({ mottaker: { ...noLand, postnummer: '' }, retur: { mottaker: ADDRESS } })).toBe('mottaker.postnummer/poststed/adresselinje1');
    });
  });

  describe('DPF credentials', () => {
    const ctx = { ...CTX, serviceIdentifier: 'DPF' as const, svarUt: { hasCredentials: (org: string) => org === OWN_ORG } };

    it('needs credentials for the own org, or the on-behalf org', () => {
      expect(() => validateForCreate(sbd(), ctx)).not.toThrow();
      const e = errorOf(() => validateForCreate(sbd({ sender: `0192:${OWN_ORG}:${OTHER_ORG}` }), ctx));
      expect(e).toBeInstanceOf(MissingSvarUtCredentialsError);
      expect(e.message).toBe(`SvarUt credentials not configured for orgnr ${OTHER_ORG}`);
    });

    it('is not checked when no SvarUt client is configured', () => {
      expect(() => validateForCreate(sbd({ sender: `0192:${OWN_ORG}:${OTHER_ORG}` }), { ...ctx, svarUt: undefined })).not.toThrow();
    });
  });

  describe('DPH', () => {
    const ctx = { ...CTX, serviceIdentifier: 'DPH' as const, enabledServices: ['DPH' as const], dphHerIds: ['42'] };
    const dph = (sender: string, receiver: string, receiverAuthority = 'nhn-actorid') => sbd({
      type: 'dialogmelding', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding', process: 'urn:no:difi:profile:helse:helse:ver1.0',
      sender, senderAuthority: 'nhn-actorid', receiver, receiverAuthority,
    });

    it('accepts a listed her-id sending to an NHN receiver', () => {
      expect(() => validateForCreate(dph('her-id:42', 'her-id:7'), ctx)).not.toThrow();
    });

    it('refuses an unlisted her-id, a non-NHN sender and a non-NHN receiver with the reference texts', () => {
      expect(errorOf(() => validateForCreate(dph('her-id:43', 'her-id:7'), ctx)).message)
        .toBe('Sender have to be one of the her-ids listed in the difi.move.dph.her-ids property!');
      const orgSender = sbd({ type: 'dialogmelding', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding', receiver: 'her-id:7', receiverAuthority: 'nhn-actorid' });
      expect(errorOf(() => validateForCreate(orgSender, ctx)).message).toBe('Sender have to be a nhn-actorid for DPH messages!');
      const e = errorOf(() => validateForCreate(dph('her-id:42', `0192:${OTHER_ORG}`, 'iso6523-actorid-upis'), ctx));
      expect(e).toBeInstanceOf(ReceiverError);
      expect(e.message).toBe('Receiver have to be a nhn-actorid for DPH messages!');
    });
  });

  describe('sender is the own organisation', () => {
    it('accepts a missing sender, the own org and both on-behalf-of forms', () => {
      for (const sender of [null, OWN_ORG, `0192:${OWN_ORG}`, `0192:${OTHER_ORG}`, `0192:${OWN_ORG}:${OTHER_ORG}`, `9908:${OWN_ORG}`]) {
        expect(() => validateForCreate(sbd({ sender }), CTX)).not.toThrow();
      }
    });

    it("refuses another organisation's on-behalf-of form", () => {
      const e = errorOf(() => validateForCreate(sbd({ sender: `0192:${OTHER_ORG}:974760673` }), CTX));
      expect(e).toBeInstanceOf(SenderError);
      expect(e.message).toContain(`0192:${OWN_ORG}:<orgnr>`);
    });

    it('refuses a person and an NHN sender outside DPH', () => {
      expect(() => validateForCreate(sbd({ sender: '09118532322' }), CTX)).toThrow(SenderError);
      expect(() => validateForCreate(sbd({ sender: 'her-id:42', senderAuthority: 'nhn-actorid' }), CTX)).toThrow(SenderError);
    });
  });
});

describe(checkForsendelseType.name, () => {
  it('accepts an absent or listed forsendelseType and refuses another', () => {
    expect(() => checkForsendelseType(sbd(), ['a'])).not.toThrow();
    expect(() => checkForsendelseType(sbd({ business: { dpf: { forsendelseType: 'a' } } }), ['a'])).not.toThrow();
    expect(() => checkForsendelseType(sbd({ business: { dpf: { forsendelseType: 'b' } } }), ['a'])).toThrow(ForsendelseTypeNotFoundError);
  });
});
