// Capabilities (api notes §2.1, §7; addressing notes §9.5): each Service Registry record becomes
// {process, serviceIdentifier, documentTypes[{type, standard}]}; DPI records also carry the postal
// addresses (empty strings when the registry has none, as the reference's factory writes them) and the
// digital mailbox.
export interface PostalAddressLike {
  name?: string | null;
  street?: string | null;
  postalCode?: string | null;
  postalArea?: string | null;
  country?: string | null;
}

export interface CapabilityRecord {
  process: string | null;
  documentTypes: readonly string[];
  service: { identifier: string };
  postAddress?: PostalAddressLike | null;
  returnAddress?: PostalAddressLike | null;
  orgnrPostkasse?: string | null;
  postkasseAdresse?: string | null;
}

export interface Capability {
  process?: string;
  serviceIdentifier: string;
  postAddress?: Required<Record<keyof PostalAddressLike, string>>;
  returnAddress?: Required<Record<keyof PostalAddressLike, string>>;
  documentTypes: { type?: string; standard: string }[];
  digitalPostAddress?: { supplier?: string; address?: string };
}

function address(a: PostalAddressLike | null | undefined): Required<Record<keyof PostalAddressLike, string>> {
  return {
    name: a?.name ?? '',
    street: a?.street ?? '',
    postalCode: a?.postalCode ?? '',
    postalArea: a?.postalArea ?? '',
    country: a?.country ?? '',
  };
}

export function toCapabilities(records: readonly CapabilityRecord[], typeOf: (standard: string) => string | undefined): { capabilities: Capability[] } {
  return {
    capabilities: records.map((r) => {
      const c: Capability = {
        process: r.process ?? undefined,
        serviceIdentifier: r.service.identifier,
        documentTypes: r.documentTypes.map((standard) => {
          const type = typeOf(standard);
          return type === undefined ? { standard } : { type, standard };
        }),
      };
      if (r.service.identifier === 'DPI') {
        c.postAddress = address(r.postAddress);
        c.returnAddress = address(r.returnAddress);
        c.digitalPostAddress = { supplier: r.orgnrPostkasse ?? undefined, address: r.postkasseAdresse ?? undefined };
      }
      return c;
    }),
  };
}

export interface CapabilityLookup {
  lookup(params: { identifier: string; process?: string; securityLevel?: number }): Promise<{ serviceRecords: CapabilityRecord[] }>;
}
