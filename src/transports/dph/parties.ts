import type { X509Certificate } from 'node:crypto';
import { certificateFromPem } from '../../crypto/index.js';
import { NotFoundInServiceRegistryError, type ServiceRegistryClient } from '../../addressing/index.js';
import { DphAdapterCertificateError, DphUnknownHerIdError } from './errors.js';

// Who is who around the nhn-adapter, from the Service Registry (which caches its answers): the
// organisation behind one of our HER ids (`/info/her-id:N`, addressing notes §9.5), which the Maskinporten
// token acts for, and the adapter's own business certificate (`/virksert/991825827`, transports notes
// §5.6), which everything we send is encrypted to and everything we receive must be signed by.

/** Digdir, which runs the nhn-adapter. */
export const ADAPTER_ORGNR = '991825827';

export interface DphParties {
  /** The organisation number behind `her-id:<herId>`. */
  organisationOf(herId: string): Promise<string>;
  adapterCertificate(): Promise<X509Certificate>;
}

export function createDphParties(registry: Pick<ServiceRegistryClient, 'info' | 'virksert'>): DphParties {
  return {
    async organisationOf(herId) {
      let orgnr: string | null;
      try {
        orgnr = (await registry.info(`her-id:${herId}`)).organizationNumber;
      } catch (error) {
        if (error instanceof NotFoundInServiceRegistryError) throw new DphUnknownHerIdError(herId, error);
        throw error;
      }
      if (orgnr === null || !/^\d{9}$/.test(orgnr)) throw new DphUnknownHerIdError(herId);
      return orgnr;
    },
    async adapterCertificate() {
      const pem = await registry.virksert(ADAPTER_ORGNR);
      try {
        return certificateFromPem(pem);
      } catch (cause) {
        throw new DphAdapterCertificateError(cause);
      }
    },
  };
}
