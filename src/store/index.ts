export type * from './port.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export { StoreSchemaTooNewError } from './errors.js';
export { InvalidSortError } from './sorting.js';
