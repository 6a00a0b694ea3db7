// The identifier the integration point sends to the Service Registry (addressing notes §9.2): an
// organisation number without its ISO 6523 ICD and without any part identifier (`0192:987654321:MP:1`
// → `987654321`); fødselsnummer, `her-id:N` and `fastlege-for:…` unchanged. A qualified SBD value
// (`iso6523-actorid-upis::0192:…`, addressing notes §10.2) loses its authority first.
const ISO6523 = /^\d{4}:([^:]{1,35})(?::[^\s:]{1,35})?(?::\d)?$/;

export function primaryIdentifier(value: string): string {
  const trimmed = value.trim();
  const qualifier = trimmed.indexOf('::');
  const bare = qualifier >= 0 ? trimmed.slice(qualifier + 2) : trimmed;
  const iso = ISO6523.exec(bare);
  return iso?.[1] ?? bare;
}
