/** KnowledgeCenter's rejection reasons and timings: public behaviour that sites rely on. */

export const ALREADY_OPENED = 'already opened';
export const ALREADY_CLOSED = 'already closed';
export const INVALID_CONFIGURATION = 'Invalid configuration';

export const SERVICE = 'KnowledgeCenterService';

/** Suggestions are asked for once typing pauses this long, from this many characters. */
export const SUGGEST_DELAY_MS = 250;
export const SUGGEST_MIN_CHARS = 2;
