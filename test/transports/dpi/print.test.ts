import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock/index.js';
import { letter, MAILBOX, PRINTER, sendContext, startDpiWorld, zipEntries, type DpiWorld } from './support.js';

// Print (utskrift): the letter goes to the print provider KRR names, encrypted to its certificate,
// whatever the receiver's record says; a letter without a receiver is addressed from the lookup alone;
// the postal addresses take the DPI shape; the print settings fill what the letter leaves open.

let world: DpiWorld;
beforeAll(async () => { world = await startDpiWorld(); });
afterAll(async () => { await world.close(); });

const lastLetter = () => {
  const found = world.corner2.letters.at(-1);
  if (found === undefined) throw new Error('corner 2 received no letter');
  return found;
};

describe('DPI print', () => {
  it('goes to the print provider from KRR and is encrypted to its certificate, though the record names a mailbox', async () => {
    const transport = await world.transport();
    const outgoing = letter(world, { type: 'print' });
    expect(outgoing.record?.orgnrPostkasse).toBe(MAILBOX);
    await transport.send(outgoing, sendContext());
    const received = lastLetter();
    expect(received.type).toBe('utskrift');
    // The fake decrypts with the key of the provider the SBD names; it only took the letter because that worked.
    expect(received.providerOrgnr).toBe(PRINTER);
    expect(received.documents).toEqual(['manifest.xml', 'arkivmelding.xml', 'test.txt']);
  });

  it('is addressed from the print lookup alone when the letter has no receiver', async () => {
    const transport = await world.transport();
    const outgoing = letter(world, { type: 'print', receiver: null });
    expect(outgoing.record).toBeUndefined();
    await transport.send(outgoing, sendContext());
    expect(lastLetter().providerOrgnr).toBe(PRINTER);
    expect(lastLetter().messageId).toBe(outgoing.message.messageId);
  });

  it('folds a foreign postal code into the address lines, names the country, and fills open print choices from the settings', async () => {
    const transport = await world.transport({
      config: { 'efm.dpi.print-settings.ink-type': 'COLOUR', 'efm.dpi.print-settings.shipping-type': 'PRIORITY', 'efm.dpi.print-settings.return-type': 'SHREDDING' },
    });
    await transport.send(letter(world, {
      type: 'print',
      receiver: null,
      business: {
        hoveddokument: 'arkivmelding.xml',
        mottaker: { navn: 'Kari Nordmann', adresselinje1: 'Storgatan 1', postnummer: '111 22', poststed: 'Stockholm', land: 'Sverige' },
        retur: { mottaker: { navn: 'Kommunen', adresselinje1: 'Rådhuset', adresselinje2: 'Postboks 1', adresselinje3: 'Inngang B', adresselinje4: 'Etasje 3', postnummer: '1234', poststed: 'Bygda', land: 'Danmark' } },
      },
    }), sendContext());
    expect(lastLetter().body).toMatchObject({
      mottaker: { navn: 'Kari Nordmann', adresselinje1: 'Storgatan 1', adresselinje2: '111 22 Stockholm', land: 'Sverige' },
      retur: {
        mottaker: { adresselinje4: 'Etasje 3 1234 Bygda', land: 'Danmark' },
        returposthaandtering: 'MAKULERING_MED_MELDING',
      },
      utskriftstype: 'FARGE',
      posttype: 'A',
    });
    expect(lastLetter().body.mottaker).not.toHaveProperty('postnummer');
  });

  it('asks KRR for the print provider once in five minutes', async () => {
    const clock = manualClock('2019-03-25T11:38:23Z');
    const transport = await world.transport({ clock });
    const lookups = () => world.corner2.printLookups;
    const before = lookups();
    await transport.send(letter(world, { type: 'print' }), sendContext());
    clock.advance(4 * 60_000);
    await transport.send(letter(world, { type: 'print' }), sendContext());
    expect(lookups() - before).toBe(1);
    clock.advance(2 * 60_000);
    await transport.send(letter(world, { type: 'print' }), sendContext());
    expect(lookups() - before).toBe(2);
  });

  it('keeps the print letter\'s documents as they were uploaded', async () => {
    const transport = await world.transport();
    await transport.send(letter(world, { type: 'print' }), sendContext());
    const entries = await zipEntries(lastLetter().asicPath);
    expect(entries.get('test.txt')?.toString()).toBe('Testing 1 2 3');
    expect(entries.get('arkivmelding.xml')?.toString()).toBe('<arkivmelding/>');
  });
});
