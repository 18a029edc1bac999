/** The registration form at the start of a chat: fields, validation, and the start itself. */
import { SERVICE, type Options, type WebChat } from './context';
import { builtInValid, DEFAULT_FORM, fieldsOf, TOP_LEVEL, type Field } from '../../shared/form';

/** Build the fields of the current form definition, keeping what was typed. */
export function loadForm(c: WebChat): void {
  const view = c.view;
  const previous = view.values;
  const t = (namespace: string, key: string): string => c.common!.t(namespace, key);
  view.fields = fieldsOf(c.formDef, t);
  if (view.fields.length === 0) view.fields = fieldsOf(DEFAULT_FORM, t);
  view.values = {};
  for (const field of view.fields) view.values[field.name] = previous[field.name] ?? field.value;
}

/** The built-in checks, then the field's own `validate` function (which may not throw us out). */
export function fieldValid(c: WebChat, field: Field, event: Event | undefined): boolean {
  const value = c.view.values[field.name] ?? '';
  if (!builtInValid(field, value)) return false;
  if (!field.validate) return true;
  const root = c.mounted?.shadow;
  const wrapper = root?.querySelector(`[data-field="${field.name}"]`);
  try {
    return (
      field.validate(
        event,
        wrapper,
        root?.getElementById(field.id),
        wrapper?.querySelector('label'),
        undefined,
        c.win.CXBus,
        c.common,
      ) !== false
    );
  } catch {
    return false;
  }
}

/** Validate the form and ask WebChatService to start the chat. */
export function submit(c: WebChat, event?: Event): void {
  event?.preventDefault();
  const view = c.view;
  if (view.stage !== 'form' || !view.open) return;
  view.invalid = {};
  for (const field of view.fields)
    if (!fieldValid(c, field, event)) view.invalid[field.name] = true;
  const firstInvalid = view.fields.find((field) => view.invalid[field.name]);
  if (firstInvalid) {
    c.focusTarget = `#${firstInvalid.id}`;
    return c.draw();
  }
  const options: Options = {};
  const userData: Options = { ...c.openUserData };
  for (const field of view.fields) {
    const value = view.values[field.name] ?? '';
    if (TOP_LEVEL.includes(field.name)) options[field.name] = value;
    else if (value !== '') userData[field.name] = value;
  }
  options['userData'] = userData;
  c.meta.form = { ...view.values };
  view.stage = 'starting';
  view.formError = '';
  c.draw();
  c.announce('submitted');
  c.plugin.command(`${SERVICE}.startChat`, options).fail((reason: unknown) => {
    if (c.active) return;
    view.stage = 'form';
    view.formError = c.t('ChatStartFailed');
    c.meta.errors = [...(c.meta.errors || []), reason];
    c.draw();
    c.announce('rejected', 'rejected');
  });
}
