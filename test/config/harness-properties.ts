// The shape of the properties file the conformance harness writes for each scenario
// (../shared/conformance/lib/daemon.mjs `configText`), copied here so the loader is tested against it.
export interface HarnessValues {
  port: number;
  dataDir: string;
  keystorePath: string;
  clock: string;
}

export function harnessProperties({ port, dataDir, keystorePath, clock }: HarnessValues): string {
  return `# Written by the conformance harness for one scenario.
server.port=${port}
efm.data-dir=${dataDir}
efm.clock.fixed=${clock}
efm.uuid.sequence[0]=19efbd4c-413d-4e2c-bbc5-257ef4a65b38
efm.uuid.sequence[1]=ac5efbd4c-413d-4e2c-bbc5-257ef4a65b23
app.scheduling.enable=false
spring.security.user.name=testuser
spring.security.user.password=testpassword

difi.move.serviceregistryEndpoint=http://127.0.0.1:9099
difi.move.org.number=910077473
difi.move.org.keystore.alias=910077473
difi.move.org.keystore.password=changeit
difi.move.org.keystore.type=PKCS12
difi.move.org.keystore.path=${keystorePath}

difi.move.dpo.brokerserviceUrl=http://127.0.0.1:9800/broker/api/v1
difi.move.dpo.altinnTokenExchangeUrl=http://127.0.0.1:9800/altinntoken
difi.move.dpo.system-user.org-id=0192:910077473
difi.move.dpo.system-user.name=910077473

difi.move.dpi.endpoint=http://127.0.0.1:3193/dpi
difi.move.dpi.mpcId=KANAL
difi.move.dpi.avsenderidentifikatorListe[0]=avsender910077473
difi.move.dpi.printSettings.returnType=SHREDDING
difi.move.dpi.printSettings.inkType=BLACK_WHITE
difi.move.dpi.printSettings.shippingType=ECONOMY
difi.move.dpi.keystore.alias=\${difi.move.org.keystore.alias}
difi.move.dpi.keystore.password=\${difi.move.org.keystore.password}
difi.move.dpi.keystore.path=\${difi.move.org.keystore.path}
difi.move.dpi.keystore.type=\${difi.move.org.keystore.type}
difi.move.dpi.uri=http://127.0.0.1:9800/dpi
difi.move.dpi.certificate.mode=SELF_SIGNED
difi.move.dpi.krr-print-url=http://127.0.0.1:9800/rest/v2/printSertifikat
difi.move.dpi.oidc.enable=true
difi.move.dpi.oidc.url=http://127.0.0.1:9800/token
difi.move.dpi.oidc.audience=http://127.0.0.1:9800/
difi.move.dpi.oidc.scopes=digitalpostinnbygger:send
difi.move.dpi.oidc.keystore.alias=\${difi.move.dpi.keystore.alias}
difi.move.dpi.oidc.keystore.password=\${difi.move.dpi.keystore.password}
difi.move.dpi.oidc.keystore.path=\${difi.move.dpi.keystore.path}
difi.move.dpi.oidc.keystore.type=\${difi.move.dpi.keystore.type}

difi.move.oidc.url=http://127.0.0.1:9800/token
difi.move.oidc.audience=http://127.0.0.1:9800/
difi.move.oidc.enable=false
difi.move.sign.enable=false
difi.move.sign.jwkUrl=\${difi.move.serviceregistryEndpoint}/jwk

difi.move.feature.cryptoMessagePersister=true
difi.move.feature.enableQueue=false
difi.move.feature.enableReceipts=false
difi.move.feature.enableDPO=true
difi.move.feature.enableDPI=true
difi.move.feature.enableDPE=true
difi.move.feature.enableDPF=true
difi.move.feature.enableDPV=true
difi.move.feature.enableDPH=false

difi.move.dpv.correspondenceServiceUrl=http://127.0.0.1:9800/correspondence/api/v1
difi.move.dpv.altinnTokenExchangeUrl=http://127.0.0.1:9800/altinntoken
difi.move.dpv.sms.varslingstekst=Melding mottatt i innboks
difi.move.dpv.email.emne=Emne: melding mottatt i innboks
difi.move.dpv.email.varslingstekst=Tekst: melding mottatt i innboks

difi.move.fiks.ut.username=foo
difi.move.fiks.ut.password=bar
difi.move.fiks.ut.endpointUrl=http://127.0.0.1:2999
difi.move.fiks.inn.username=foo
difi.move.fiks.inn.password=bar
difi.move.fiks.inn.baseUrl=http://127.0.0.1:2999/tjenester/svarinn

difi.move.nextmove.serviceBus.mode=innsyn
difi.move.nextmove.serviceBus.baseUrl=127.0.0.1:2187
difi.move.nextmove.serviceBus.useHttps=false
difi.move.nextmove.serviceBus.sasKeyName=MoveDPE-pilotPolicy
difi.move.nextmove.serviceBus.sasToken=conformance-sas-key
`;
}
