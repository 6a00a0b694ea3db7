import { EfmError } from '../domain/index.js';

/** The tracking settings cannot work (no destination, a certificate without its key, an unreadable file). */
export class TrackingConfigError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_TRACKING_CONFIG_INVALID', kind: 'validation', cause });
  }
}

/** The collector did not take a batch (unreachable, refused, timed out, answered nonsense); it is sent again later. */
export class TrackingDeliveryError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_TRACKING_UNREACHABLE', kind: 'unavailable', cause });
  }
}
