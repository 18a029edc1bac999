/** ClickToCallService's cookie names and rejection reasons: public API that site code reads. */

/** Cookie names after the widgets prefix (`shared/spec/cookies.md`, ClickToCall rows). */
export const NUMBER_COOKIES = {
  expire: 'clicktocall.state.expire',
  phoneNumber: 'clicktocall.state.phone_number',
  accessCode: 'clicktocall.state.access_code',
  telHref: 'clicktocall.state.phone_tel_href',
  /** The server's sealed key for asking whether the call came in (never readable here). */
  statusKey: 'clicktocall.state.keys',
} as const;

export const INVALID_CONFIGURATION = 'Invalid configuration';
export const NOT_CONFIGURED = 'ClickToCallService is not configured: set clicktocall.dataURL';
export const NO_PHONE_NUMBER = 'A phonenumber is required';
export const BAD_USER_DATA = 'userData must be an object';
