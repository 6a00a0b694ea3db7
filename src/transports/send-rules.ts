import { CryptoError, KeystoreError } from '../crypto/index.js';
import { PermanentSendError, type OutgoingMessage } from './port.js';

// Rules every transport applies to a send in the same way.

/** Refuses for good a message whose files together exceed the service's limit. */
export function checkSizeLimit(outgoing: OutgoingMessage, service: string, maxBytes: number): void {
  const totalBytes = outgoing.files.reduce((sum, f) => sum + f.size, 0);
  if (totalBytes > maxBytes) {
    throw new PermanentSendError(`the files of the message (${totalBytes} bytes) exceed the ${service} limit of ${maxBytes} bytes`);
  }
}

/**
 * Bad document names or an unusable receiver key cannot succeed on a retry; our own keystore's problems
 * may be fixed while the message waits, so they stay retryable.
 */
export function permanentCryptoError(error: unknown): PermanentSendError | undefined {
  if (error instanceof CryptoError && !(error instanceof KeystoreError) && error.kind === 'validation') {
    return new PermanentSendError(error.message, { cause: error });
  }
  return undefined;
}
