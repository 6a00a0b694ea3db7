import { describe, expect, it } from 'vitest';
import { selectDefaultRecord, selectRecord } from '../../src/addressing/record-selection.js';
import {
  ADMINISTRASJON, ARKIVMELDING, DIGITAL, DIGITAL_DPV, INNSYNSKRAV, INNSYNSKRAV_PROCESS, PLAN_BYGG, PRINT, VEDTAK,
  record, resourceOf,
} from './builders.js';

describe(selectRecord.name, () => {
  it('takes the first record listing the document type, as a vedtak lookup needs', () => {
    const print = record('DPI', VEDTAK, [PRINT]);
    const dpv = record('DPV', VEDTAK, [DIGITAL_DPV]);
    const resource = resourceOf(print, dpv);
    expect(selectRecord(resource, { documentType: DIGITAL_DPV })).toBe(dpv);
    expect(selectRecord(resource, { documentType: PRINT })).toBe(print);
  });

  it('keeps the registry order when two records list the document type', () => {
    const first = record('DPO', PLAN_BYGG, [ARKIVMELDING]);
    const second = record('DPO', ADMINISTRASJON, [ARKIVMELDING]);
    expect(selectRecord(resourceOf(first, second), { documentType: ARKIVMELDING })).toBe(first);
  });

  it('finds nothing when no record lists the document type', () => {
    expect(selectRecord(resourceOf(record('DPV', VEDTAK, [DIGITAL_DPV])), { documentType: DIGITAL })).toBeUndefined();
  });
});

describe(selectDefaultRecord.name, () => {
  const dpe = record('DPE', INNSYNSKRAV_PROCESS, [INNSYNSKRAV]);
  const admin = record('DPO', ADMINISTRASJON, [ARKIVMELDING]);
  const plan = record('DPO', PLAN_BYGG, [ARKIVMELDING]);
  const dpi = record('DPI', VEDTAK, [DIGITAL]);

  it('prefers the first DPI record over everything else', () => {
    expect(selectDefaultRecord(resourceOf(dpe, admin, dpi))).toBe(dpi);
  });

  it('then takes the record of the default arkivmelding process', () => {
    expect(selectDefaultRecord(resourceOf(dpe, plan, admin))).toBe(admin);
  });

  it('honours a configured default process', () => {
    expect(selectDefaultRecord(resourceOf(dpe, admin, plan), { defaultProcess: PLAN_BYGG })).toBe(plan);
  });

  it('then falls back to the first DPE record', () => {
    expect(selectDefaultRecord(resourceOf(plan, dpe))).toBe(dpe);
  });

  it('finds nothing when none of the three applies', () => {
    expect(selectDefaultRecord(resourceOf(plan, record('DPV', VEDTAK, [DIGITAL_DPV])))).toBeUndefined();
  });
});
