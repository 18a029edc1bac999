/** ClickToCall's rejection reasons, cookie name and default form: public API sites rely on. */

export const ALREADY_OPENED = 'already opened';
export const ALREADY_CLOSED = 'already closed';
export const INVALID_CONFIGURATION = 'Invalid configuration';

/** Cookie name after the widgets prefix (`shared/spec/cookies.md`, ClickToCall rows). */
export const OPEN_COOKIE = 'clicktocall.state.open';

export const SERVICE = 'ClickToCallService';

/** Digits and an optional leading "+" (spaces are allowed between them, and dropped)... */
export const PHONE = /^\+?[0-9]+$/;
/** ...6 to 15 of them (the longest international number has 15). */
export const PHONE_DIGITS = { min: 6, max: 15 };

const row = (name: string, key: string, extra: Record<string, unknown> = {}) => ({
  id: `cx_clicktocall_form_${name}`,
  name,
  maxlength: '100',
  label: `@i18n:clicktocall.${key}`,
  ...extra,
});

/** First and last name (optional) and the visitor's phone number (required). */
export const DEFAULT_FORM = {
  inputs: [
    row('firstname', 'FirstName'),
    row('lastname', 'LastName'),
    row('phonenumber', 'PhoneNumber', { type: 'tel', maxlength: '24', required: true }),
  ],
};
