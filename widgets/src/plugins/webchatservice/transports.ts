/**
 * The chat transports by `webchat.transport.type`. A new transport is one module implementing
 * `ChatTransport` (`transport.ts`) and one line here; the session logic does not change.
 */
import { createRestPollingTransport } from './rest_polling';
import type { TransportFactory } from './transport';
import { createV2Transport, V2 } from './v2_sockets';
import { createV3Transport, V3 } from './v3_rest';

/** The key of the transport used when `webchat.transport.type` is not set: REST polling. */
export const DEFAULT_TRANSPORT = '';

export const TRANSPORTS: Record<string, TransportFactory> = {
  [DEFAULT_TRANSPORT]: createRestPollingTransport,
  [V2]: createV2Transport,
  [V3]: createV3Transport,
};
