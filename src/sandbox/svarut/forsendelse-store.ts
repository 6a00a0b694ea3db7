// What the sandbox's SvarUt keeps: each forsendelse as it arrived (or as a test put it in SvarInn's
// list), its documents as files on disk, its status and whether its receiver acknowledged it.

export interface StoredDocument {
  filnavn: string;
  mimetype: string;
  /** The plain bytes, decrypted with SvarUt's key. */
  path: string;
  size: number;
  sha256: string;
}

export interface PostAddress {
  navn?: string;
  adresse1?: string;
  postnr?: string;
  poststed?: string;
  land?: string;
}

export interface StoredForsendelse {
  id: string;
  eksternref?: string;
  /** The organisation whose SvarUt user sent it. */
  senderOrgnr: string;
  mottakerOrgnr: string;
  mottaker: PostAddress;
  svarSendesTilOrgnr?: string;
  svarSendesTil: PostAddress;
  svarPaForsendelse?: string;
  tittel?: string;
  forsendelseType?: string;
  krevNiva4Innlogging: boolean;
  /** The metadataFraAvleverendeSystem members as sent (dates as text). */
  metadata: Readonly<Record<string, string>>;
  ekstraMetadata: { key: string; value: string }[];
  documents: StoredDocument[];
  /** SvarUt's forsendelseStatus: MOTTATT on arrival, LEST once the receiver acknowledged it. */
  status: string;
  statusChangedAt: Date;
  isAcknowledged: boolean;
  receivedAt: Date;
}

export class ForsendelseStore {
  readonly #byId = new Map<string, StoredForsendelse>();

  add(forsendelse: StoredForsendelse): void {
    this.#byId.set(forsendelse.id, forsendelse);
  }

  get(id: string): StoredForsendelse | undefined {
    return this.#byId.get(id);
  }

  all(): StoredForsendelse[] {
    return [...this.#byId.values()];
  }

  /** What SvarInn lists for an organisation: its forsendelser not yet acknowledged, oldest first. */
  newFor(orgnr: string): StoredForsendelse[] {
    return this.all().filter((f) => f.mottakerOrgnr === orgnr && !f.isAcknowledged);
  }

  setStatus(id: string, status: string, at: Date): boolean {
    const forsendelse = this.#byId.get(id);
    if (forsendelse === undefined) return false;
    forsendelse.status = status;
    forsendelse.statusChangedAt = at;
    return true;
  }
}
