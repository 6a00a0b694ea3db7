import { join } from 'node:path';
import type { SandboxNetwork, SandboxOrganisation } from './network.js';

// The settings a sandbox daemon takes on top of config/sandbox.yml (which switches the services on):
// its organisation, its keystore and every fake's address, as EFM_* variables (`efm settings` lists
// them), so `efm sandbox` and the end-to-end tests configure a daemon the same way.

export interface SandboxDaemonPlace {
  /** The sandbox's data directory; the daemon keeps its state in `<dataDir>/<orgnr>`. */
  dataDir: string;
  port: number;
}

export function sandboxDaemonEnv(network: SandboxNetwork, org: SandboxOrganisation, place: SandboxDaemonPlace): Record<string, string> {
  return {
    EFM_DATA_DIR: join(place.dataDir, org.orgnr),
    EFM_SERVER_PORT: String(place.port),
    EFM_ORG_NUMBER: org.orgnr,
    EFM_ORG_KEYSTORE_PATH: org.keystorePath,
    EFM_ORG_KEYSTORE_PASSWORD: org.keystorePassword,
    EFM_SERVICE_REGISTRY_URL: network.registryUrl,
    EFM_MASKINPORTEN_URL: network.maskinportenUrl,
    EFM_MASKINPORTEN_AUDIENCE: network.maskinportenAudience,
    EFM_DPO_BROKERSERVICE_URL: network.brokerUrl,
    EFM_DPO_ALTINN_TOKEN_EXCHANGE_URL: network.altinnTokenExchangeUrl,
    EFM_DPV_CORRESPONDENCE_SERVICE_URL: network.correspondenceUrl,
    EFM_DPV_ALTINN_TOKEN_EXCHANGE_URL: network.altinnTokenExchangeUrl,
    EFM_DPI_URI: network.corner2Url,
    EFM_DPI_KRR_PRINT_URL: network.printLookupUrl,
    EFM_FIKS_UT_ENDPOINT_URL: network.svarUtUrl,
    EFM_FIKS_UT_USERNAME: org.fiks.username,
    EFM_FIKS_UT_PASSWORD: org.fiks.password,
    EFM_FIKS_INN_BASE_URL: network.svarInnUrl,
    EFM_FIKS_INN_USERNAME: org.fiks.username,
    EFM_FIKS_INN_PASSWORD: org.fiks.password,
    EFM_DPE_BASE_URL: network.serviceBusNamespace,
    EFM_DPE_SAS_KEY_NAME: network.serviceBusPolicy.name,
    EFM_DPE_SAS_TOKEN: network.serviceBusPolicy.key,
    EFM_DPE_MODE: org.dpeMode,
    EFM_DPH_URI: network.nhnAdapterUrl,
    EFM_DPH_HER_IDS: org.herId,
  };
}
