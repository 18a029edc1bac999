/**
 * The registration form: the Genesys form definition (`webchat.form`, `open({formJSON})`)
 * read into plain fields. `custom` HTML and per-row `wrapper` templates are not supported:
 * the form is always built from elements, never from HTML strings.
 */
import { isRecord } from '../core/common';

export type Validator = (...args: unknown[]) => unknown;

export interface Field {
  id: string;
  name: string;
  type: string;
  label: string;
  placeholder: string;
  value: string;
  options: { text: string; value: string }[];
  maxlength?: number;
  autocomplete?: string;
  autofocus: boolean;
  readonly: boolean;
  required: boolean;
  validate?: Validator;
  validateWhileTyping: boolean;
}

/** Fields that `startChat` takes as top-level options; every other field goes to userData. */
export const TOP_LEVEL = ['firstname', 'lastname', 'email', 'subject', 'nickname'];
const AUTOCOMPLETE: Record<string, string> = {
  firstname: 'given-name',
  lastname: 'family-name',
  email: 'email',
  phonenumber: 'tel',
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const row = (name: string, key: string, extra: Record<string, unknown> = {}) => ({
  id: `cx_webchat_form_${name}`,
  name,
  maxlength: '100',
  placeholder: '',
  label: `@i18n:webchat.${key}`,
  ...extra,
});

/** The default form: first and last name (required), email (checked when given), subject. */
export const DEFAULT_FORM = {
  inputs: [
    row('firstname', 'ChatFormFirstName', { required: true }),
    row('lastname', 'ChatFormLastName', { required: true }),
    row('email', 'ChatFormEmail', { type: 'email' }),
    row('subject', 'ChatFormSubject'),
  ],
};

type Translate = (namespace: string, key: string) => string;

/** `@i18n:webchat.Key` replaced from the language pack; other values as text. */
export function textOf(value: unknown, t: Translate): string {
  if (isRecord(value)) return textOf(value['text'], t);
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return '';
  const found = /^@i18n:([\w-]+)\.(\w+)$/.exec(value);
  return found ? t(found[1]!, found[2]!) : value;
}

/** The fields of a form definition; none when it has no usable inputs. */
export function fieldsOf(form: unknown, t: Translate): Field[] {
  const inputs = isRecord(form) && Array.isArray(form['inputs']) ? form['inputs'] : [];
  const fields: Field[] = [];
  inputs.forEach((input: unknown, position) => {
    if (!isRecord(input)) return;
    const name = textOf(input['name'], t) || textOf(input['id'], t) || `field${position}`;
    const options = Array.isArray(input['options']) ? input['options'] : [];
    const field: Field = {
      id: textOf(input['id'], t) || `cx_webchat_form_${name}`,
      name,
      type: textOf(input['type'], t) || 'text',
      label: textOf(input['label'], t),
      placeholder: textOf(input['placeholder'], t),
      value: textOf(input['value'], t),
      options: options.filter(isRecord).map((option) => ({
        text: textOf(option['text'], t),
        value: textOf(option['value'], t),
      })),
      autofocus: input['autofocus'] === true,
      readonly: input['readonly'] === true,
      required: input['required'] === true,
      validateWhileTyping: input['validateWhileTyping'] !== false,
    };
    const max = Number(input['maxlength']);
    if (max > 0) field.maxlength = max;
    const hint = AUTOCOMPLETE[name];
    if (hint) field.autocomplete = hint;
    if (typeof input['validate'] === 'function') field.validate = input['validate'] as Validator;
    fields.push(field);
  });
  return fields;
}

/** The built-in checks: required fields filled, email fields well formed when filled. */
export function builtInValid(field: Field, value: string): boolean {
  if (field.type === 'checkbox') return !field.required || value === 'true';
  if (field.required && value.trim() === '') return false;
  return field.type !== 'email' || value.trim() === '' || EMAIL.test(value.trim());
}
