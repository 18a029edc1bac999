/** KnowledgeCenterService's cookie names, headers and rejection reasons: public API sites rely on. */

/** Cookie names after the widgets prefix (`shared/spec/cookies.md`, KnowledgeCenter rows). */
export const SESSION_COOKIE = 'knowledgecenter.state.session';
export const KEYS_COOKIE = 'knowledgecenter.state.keys';

/**
 * Request headers of the Knowledge Center v2 API (`widgets-api.md` §8). Frontdesk's server
 * names a session by its sealed keys alone, so `gkc_sessionId` carries those keys
 * (`docs/api/knowledge.md`); the plain id is only kept for `sessionInfo` and `sessionChanged`.
 */
export const HEADERS = {
  apiKey: 'x-api-key',
  tenant: 'ContactCenterID',
  session: 'gkc_sessionId',
  customer: 'gkc_customerId',
  client: 'gkc_apiClientId',
} as const;

export const NOT_CONFIGURED = 'KnowledgeCenterService is not configured';
export const NO_HOST = 'KnowledgeCenterService is not configured: set knowledgecenter.host';
export const NO_SESSION = 'Knowledge center session is not started yet';
export const BAD_QUERY = 'query must be a string of 1 to 500 characters';
export const BAD_DOCUMENT = 'kbId and docId must be non-empty strings of at most 200 characters';
export const BAD_VOTE = "vote must be 'helpful' or 'unhelpful' (or true / false)";
export const BAD_LIST = 'categories and knowledgebases must be arrays of strings';
export const BAD_SIZE = 'maxSearchResults must be a whole number from 1 to 50';

export const MAX_QUERY = 500;
