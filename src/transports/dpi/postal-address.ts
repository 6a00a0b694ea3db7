// A NextMove print address (`print.mottaker`, `print.retur.mottaker`, api notes §3.6) as the DPI
// `adresseInformasjon` (transports notes §5.3): a Norwegian address keeps postnummer and poststed and
// drops the country; a foreign one folds "postnummer poststed" into the first free address line after
// the first and names its country.
//
// Two deliberate departures from the reference: an address with neither `land` nor `landkode` counts as
// Norwegian (the reference folds it and sends no country, which the schema then refuses), and a
// `landkode` of NO counts as Norway (the reference compares the code with "Norway").

export type AdresseInformasjon = Partial<Record<'navn' | 'adresselinje1' | 'adresselinje2' | 'adresselinje3' | 'adresselinje4'
  | 'postnummer' | 'poststed' | 'land' | 'landkode', string>>;

const NORWAY_NAMES = new Set(['norway', 'norge', 'noreg']);
const LINES = ['adresselinje1', 'adresselinje2', 'adresselinje3', 'adresselinje4'] as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

function isNorwegian(address: Record<string, unknown>): boolean {
  const land = text(address.land);
  const landkode = text(address.landkode);
  if (land === undefined && landkode === undefined) return true;
  return (land !== undefined && NORWAY_NAMES.has(land.trim().toLowerCase())) || landkode?.trim().toUpperCase() === 'NO';
}

export function toAdresseInformasjon(address: Record<string, unknown>): AdresseInformasjon {
  const result: AdresseInformasjon = {};
  const navn = text(address.navn);
  if (navn !== undefined) result.navn = navn;
  for (const line of LINES) {
    const value = text(address[line]);
    if (value !== undefined) result[line] = value;
  }
  const postnummer = text(address.postnummer);
  const poststed = text(address.poststed);
  if (isNorwegian(address)) {
    if (postnummer !== undefined) result.postnummer = postnummer;
    if (poststed !== undefined) result.poststed = poststed;
    return result;
  }
  const postal = [postnummer, poststed].filter((p) => p !== undefined).join(' ');
  if (postal !== '') foldIntoLines(result, postal);
  const land = text(address.land);
  const landkode = text(address.landkode);
  if (land !== undefined) result.land = land;
  if (landkode !== undefined) result.landkode = landkode;
  return result;
}

/** Into the first empty line from adresselinje2 on; when all are taken, appended to adresselinje4. */
function foldIntoLines(result: AdresseInformasjon, postal: string): void {
  const free = LINES.slice(1).find((line) => result[line] === undefined);
  if (free !== undefined) {
    result[free] = postal;
    return;
  }
  result.adresselinje4 = `${result.adresselinje4 ?? ''} ${postal}`;
}
