import {
  DEMO_ORGANISATIONS, defaultDemoOrganisations, demoCitizen, demoHealthUnit, demoOrganisation, nhnAdapterOperator, type FakeOrganisation,
} from './service-registry/index.js';

// Who is who on the local eFormidling network. The two demo organisations run daemons and reach each
// other over DPO, DPE and DPH; every other service has a receiver of its own in the registry, since the
// registry's priority would otherwise send arkivmelding by DPO: an agency reached only by DPV, a
// municipality reached only by DPF, and a citizen with a digital mailbox (DPI). The providers, SvarUt
// and the nhn-adapter have keys of their own.

/** The receivers without a daemon, one per service that the demo organisations do not take. */
export const SANDBOX_RECEIVERS = {
  /** An agency reached by DPV (Altinn correspondence) only. */
  dpv: { orgnr: '910075946', name: 'Sandbox etat i Altinn' },
  /** A municipality reached by DPF (KS SvarUt) only. */
  dpf: { orgnr: '910075924', name: 'Sandbox kommune i FIKS' },
  /** A citizen with a digital mailbox (DPI); a real-format test number, as in the reference's fixtures. */
  citizen: { fnr: '09118532322', postkasseAdresse: 'sandbox.borger#SBX1' },
} as const;

/** Orgnrs of the parties that only hold keys. */
export const SANDBOX_KEY_HOLDERS = {
  mailboxProvider: '984661185',
  printProvider: '987464291',
  svarUt: '971032146',
} as const;

/** Per demo organisation: its health unit's HER id, and which of its Service Bus queues it reads. */
export const DEMO_ROLES: Readonly<Record<string, { herId: string; dpeMode: 'data' | 'innsyn' }>> = {
  // 910077473 plays eInnsyn: it sends innsynskrav and reads the data queue the answers come to.
  '910077473': { herId: '8143548', dpeMode: 'data' },
  // 910075918 plays the agency that takes innsynskrav on its innsyn queue.
  '910075918': { herId: '8143541', dpeMode: 'innsyn' },
};

export interface SandboxRegistryInput {
  /** Business certificate (PEM) per demo organisation. */
  certificates: Readonly<Record<string, string>>;
  mailboxProviderCertificatePem: string;
  svarUtCertificatePem: string;
  nhnAdapterCertificatePem: string;
  endpoints: { dpv: string; dpf: string; dpi: string; dph: string };
}

/** Everything the sandbox's Service Registry knows. */
export function sandboxRegistryEntries(input: SandboxRegistryInput): FakeOrganisation[] {
  const healthUnits = DEMO_ORGANISATIONS.map((demo) => {
    const certificatePem = input.certificates[demo.orgnr];
    const role = DEMO_ROLES[demo.orgnr];
    if (certificatePem === undefined || role === undefined) throw new TypeError(`no certificate or role for demo organisation ${demo.orgnr}`);
    return demoHealthUnit({ herId: role.herId, orgnr: demo.orgnr, name: demo.name, certificatePem, endpointUrl: input.endpoints.dph });
  });
  return [
    ...defaultDemoOrganisations(input.certificates),
    demoOrganisation({ ...SANDBOX_RECEIVERS.dpv, services: ['DPV'], endpoints: { dpv: input.endpoints.dpv } }),
    demoOrganisation({
      ...SANDBOX_RECEIVERS.dpf, entityType: 'KOMM', services: ['DPF'], svarUtCertificatePem: input.svarUtCertificatePem,
      endpoints: { dpf: input.endpoints.dpf },
    }),
    demoCitizen({
      fnr: SANDBOX_RECEIVERS.citizen.fnr, endpointUrl: input.endpoints.dpi, epostAdresse: 'borger@sandbox.invalid',
      mailbox: { orgnr: SANDBOX_KEY_HOLDERS.mailboxProvider, certificatePem: input.mailboxProviderCertificatePem, postkasseAdresse: SANDBOX_RECEIVERS.citizen.postkasseAdresse },
    }),
    ...healthUnits,
    nhnAdapterOperator(input.nhnAdapterCertificatePem),
  ];
}
