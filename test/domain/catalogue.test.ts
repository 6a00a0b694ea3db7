import { describe, expect, it } from 'vitest';
import {
  PROCESS_CATALOGUE, STANDARDS, documentTypeFits, expectedMessageTypes, isFileRequired, isReceiptType,
  messageTypeOf, processDefinition, responseProcessOf, toMessageType,
} from '../../src/domain/index.js';

describe('toMessageType', () => {
  it('finds a type case-insensitively and refuses removed or unknown ones', () => {
    expect(toMessageType('Arkivmelding')).toBe('arkivmelding');
    expect(toMessageType('DIALOGMELDING_KVITTERING')).toBe('dialogmelding_kvittering');
    expect(toMessageType('fiksio')).toBeUndefined();
    expect(toMessageType('strange')).toBeUndefined();
  });
});

describe('messageTypeOf', () => {
  it('is the known suffix after ::', () => {
    expect(messageTypeOf(STANDARDS.arkivmelding)).toBe('arkivmelding');
    expect(messageTypeOf(STANDARDS.digitalDpv)).toBe('digital_dpv');
    expect(messageTypeOf('urn:no:difi:arkivmelding:xsd::strange')).toBeUndefined();
    expect(messageTypeOf('no-separator')).toBeUndefined();
  });
});

describe('documentTypeFits', () => {
  it('requires the standard to end with ::<type>', () => {
    expect(documentTypeFits('arkivmelding', STANDARDS.arkivmelding)).toBe(true);
    expect(documentTypeFits('digital', STANDARDS.arkivmelding)).toBe(false);
    expect(documentTypeFits('print', 'urn:no:difi:digitalpost:xsd:fysisk:print')).toBe(false);
  });
});

describe('receipts and files', () => {
  it('knows the three receipt types', () => {
    expect(['arkivmelding_kvittering', 'einnsyn_kvittering', 'dialogmelding_kvittering'].every((t) => isReceiptType(toMessageType(t) ?? 'status'))).toBe(true);
    expect(isReceiptType('arkivmelding')).toBe(false);
  });

  it('needs files for everything but status, receipts and avtalt', () => {
    expect(isFileRequired('arkivmelding')).toBe(true);
    expect(isFileRequired('digital')).toBe(true);
    expect(isFileRequired('status')).toBe(false);
    expect(isFileRequired('avtalt')).toBe(false);
    expect(isFileRequired('einnsyn_kvittering')).toBe(false);
  });

  it('lists the non-receipt types for UnknownMessageTypeException', () => {
    expect(expectedMessageTypes()).toEqual([
      'status', 'feil', 'arkivmelding', 'avtalt', 'digital', 'digital_dpv', 'print', 'dialogmelding', 'innsynskrav', 'publisering',
    ]);
  });
});

describe('processes', () => {
  it('holds all eleven arkivmelding processes with DPO, DPF and DPV', () => {
    const arkiv = PROCESS_CATALOGUE.filter((p) => p.standards.includes(STANDARDS.arkivmelding));
    expect(arkiv).toHaveLength(11);
    expect(arkiv.every((p) => p.services.join() === 'DPO,DPF,DPV')).toBe(true);
    expect(processDefinition('urn:no:difi:profile:arkivmelding:taushetsbelagt:ver1.0')).toBeDefined();
  });

  it('routes the three digital post types through DPI and DPV', () => {
    const info = processDefinition('urn:no:difi:profile:digitalpost:info:ver1.0');
    expect(info?.standards).toEqual([STANDARDS.digital, STANDARDS.print, STANDARDS.digitalDpv]);
    expect(info?.services).toEqual(['DPI', 'DPV']);
  });

  it('gives each answerable type its response process (api notes §4.6)', () => {
    expect(responseProcessOf('arkivmelding')).toBe('urn:no:difi:profile:arkivmelding:response:ver1.0');
    expect(responseProcessOf('innsynskrav')).toBe('urn:no:difi:profile:einnsyn:response:ver1.0');
    expect(responseProcessOf('publisering')).toBe('urn:no:difi:profile:einnsyn:response:ver1.0');
    expect(responseProcessOf('avtalt')).toBe('urn:no:difi:profile:avtalt:response:ver1.0');
    expect(responseProcessOf('dialogmelding')).toBe('urn:no:difi:profile:helse:response:ver1.0');
    expect(responseProcessOf('digital')).toBeUndefined();
  });

  it('knows no process it was not told about', () => {
    expect(processDefinition('urn:no:difi:profile:nothing:ver1.0')).toBeUndefined();
  });
});
