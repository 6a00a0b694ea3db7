import { EfmError } from '../domain/index.js';

/** The database was written by a newer version of this daemon; opening it could corrupt it. */
export class StoreSchemaTooNewError extends EfmError {
  readonly databaseVersion: number;
  readonly knownVersion: number;

  constructor(databaseVersion: number, knownVersion: number) {
    super(
      `The database schema is at version ${databaseVersion}, but this version of efm knows only up to ${knownVersion}; ` +
        'upgrade efm or restore a matching backup',
      { code: 'EFM_STORE_SCHEMA_TOO_NEW', kind: 'internal' },
    );
    this.databaseVersion = databaseVersion;
    this.knownVersion = knownVersion;
  }
}
