import type { LookupParams } from './lookup-request.js';
import type { IdentifierResource, InfoRecord } from './model.js';

/**
 * The Service Registry as the rest of the daemon sees it. Failures are typed: NotFoundInServiceRegistryError,
 * ServiceRegistryLookupError (4xx, bad signature, unreadable answer) and ServiceRegistryUnavailableError.
 */
export interface ServiceRegistryClient {
  /** `GET /identifier/{id}[/process/{p}]`: the receiver's info record and service records. */
  lookup(params: LookupParams): Promise<IdentifierResource>;
  /** `GET /info/{id}`: the info record alone. */
  info(identifier: string): Promise<InfoRecord>;
  /** `GET /virksert/{orgnr}`: the organisation's business certificate as PEM. */
  virksert(orgnr: string): Promise<string>;
}
