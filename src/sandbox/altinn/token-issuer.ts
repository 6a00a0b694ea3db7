import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../clock/index.js';

// The fake Altinn's own tokens: what the token exchange hands out (transports notes §3.2) is a JWT signed
// with a key only the fake holds, naming the scopes and the system user (or else the organisation) that
// Maskinporten vouched for. The broker reads the caller from it.

const TOKEN_LIFETIME_SECONDS = 30 * 60;

export interface AltinnCaller {
  /** `0192:<orgnr>` the caller acts as: the system user's organisation, or the client's own. */
  org: string;
  scopes: string[];
}

export interface TokenIssuer {
  issue(caller: AltinnCaller & { systemUserName?: string; clientOrg: string }): Promise<string>;
  /** The caller a token stands for; undefined when it is not one of ours or has expired. */
  verify(token: string): Promise<AltinnCaller | undefined>;
}

export function createTokenIssuer(issuer: string, clock: Clock): TokenIssuer {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    issue(caller) {
      const now = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT({
        scope: caller.scopes.join(' '),
        consumer: { authority: 'iso6523-actorid-upis', ID: caller.clientOrg },
        authorization_details: { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: caller.org }, externalRef: caller.systemUserName },
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
        .sign(privateKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer, algorithms: ['RS256'], currentDate: clock.now() });
        const org = member(member(payload.authorization_details, 'systemuser_org'), 'ID');
        if (typeof org !== 'string' || typeof payload.scope !== 'string') return undefined;
        return { org, scopes: payload.scope.split(' ').filter((s) => s !== '') };
      } catch {
        return undefined;
      }
    },
  };
}

function member(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
