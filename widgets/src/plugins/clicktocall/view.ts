/**
 * The ClickToCall window as a Preact view of ClickToCall's state: the registration form, the
 * number with its code and countdown, or the expired notice. Everything shown is text.
 */
import { h, type ComponentChild } from 'preact';
import type { Field } from '../../shared/form';

export type Stage = 'form' | 'requesting' | 'number' | 'received' | 'expired';
export type Problem = 'required' | 'phone' | 'short' | 'long' | 'invalid';

export interface HeldNumber {
  phone: string;
  code: string;
  href: string;
}

export interface ClickToCallView {
  open: boolean;
  minimized: boolean;
  stage: Stage;
  fields: Field[];
  values: Record<string, string>;
  invalid: Record<string, Problem>;
  formError: string;
  number: HeldNumber | undefined;
  remaining: number;
  countdown: boolean;
  waitMinutes: number | undefined;
  confirm: 'close' | 'form' | undefined;
  announce: string;
}

export interface ClickToCallActions {
  toggleMinimize(): void;
  requestClose(): void;
  answer(yes: boolean): void;
  /** Escape: cancel a question, else minimize a number or close the window. */
  escape(): void;
  submit(event: Event): void;
  edit(field: Field, value: string, event: Event): void;
  again(): void;
}

type T = (key: string, fill?: Record<string, string | number>) => string;

/** Seconds as m:ss. */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const PROBLEM_KEYS: Record<Problem, string> = {
  required: 'Required',
  phone: 'InvalidPhone',
  short: 'PhoneTooShort',
  long: 'PhoneTooLong',
  invalid: 'Invalid',
};

function fieldView(
  field: Field,
  view: ClickToCallView,
  actions: ClickToCallActions,
  t: T,
): ComponentChild {
  const problem = view.invalid[field.name];
  const errorId = `${field.id}-error`;
  if (field.type === 'hidden') {
    return h('input', {
      type: 'hidden',
      id: field.id,
      name: field.name,
      value: view.values[field.name] ?? '',
    });
  }
  return h(
    'div',
    { class: `fd-c2c-field${problem ? ' cx-error' : ''}`, 'data-field': field.name },
    h('label', { for: field.id }, field.label || field.name),
    h('input', {
      id: field.id,
      name: field.name,
      type: field.type === 'select' ? 'text' : field.type,
      value: view.values[field.name] ?? '',
      placeholder: field.placeholder,
      maxLength: field.maxlength,
      autoComplete: field.autocomplete,
      readOnly: field.readonly,
      autoFocus: field.autofocus,
      inputMode: field.name === 'phonenumber' ? 'tel' : undefined,
      'aria-required': field.required ? 'true' : undefined,
      'aria-invalid': problem ? 'true' : undefined,
      'aria-describedby': problem ? errorId : undefined,
      onInput: (event: Event) =>
        actions.edit(field, (event.currentTarget as HTMLInputElement).value, event),
    }),
    problem ? h('span', { id: errorId, class: 'fd-c2c-error' }, t(PROBLEM_KEYS[problem])) : null,
  );
}

function bodyView(view: ClickToCallView, actions: ClickToCallActions, t: T): ComponentChild {
  if (view.stage === 'number' && view.number) {
    const { phone, code, href } = view.number;
    return [
      h('p', { class: 'fd-c2c-muted' }, t('CallUsAt')),
      h('a', { class: 'fd-c2c-number', href, id: 'fd-c2c-number' }, phone),
      code
        ? [
            h('p', { class: 'fd-c2c-muted', id: 'fd-c2c-code-label' }, t('AccessCode')),
            h(
              'p',
              { class: 'fd-c2c-code', id: 'fd-c2c-code', 'aria-labelledby': 'fd-c2c-code-label' },
              code,
            ),
            h('p', { class: 'fd-c2c-muted' }, t('AccessCodeHint')),
          ]
        : null,
      view.countdown
        ? h(
            'p',
            { class: 'fd-c2c-countdown', id: 'fd-c2c-countdown' },
            t('ValidFor', { Time: clock(view.remaining) }),
          )
        : null,
      view.waitMinutes !== undefined
        ? h(
            'p',
            { class: 'fd-c2c-wait', id: 'fd-c2c-wait' },
            t('Wait', { Minutes: view.waitMinutes }),
          )
        : null,
    ];
  }
  if (view.stage === 'received') {
    return h(
      'p',
      { class: 'fd-c2c-received', id: 'fd-c2c-received', role: 'status' },
      t('CallReceived'),
    );
  }
  if (view.stage === 'expired') {
    return [
      h('p', { class: 'fd-c2c-expired', role: 'status' }, t('Expired')),
      h(
        'button',
        { type: 'button', id: 'fd-c2c-again', onClick: actions.again },
        t('RequestAgain'),
      ),
    ];
  }
  const requesting = view.stage === 'requesting';
  return h(
    'form',
    { class: 'fd-c2c-form', noValidate: true, onSubmit: actions.submit },
    h('p', null, t('FormIntro')),
    view.fields.map((field) => fieldView(field, view, actions, t)),
    view.formError ? h('p', { class: 'fd-c2c-error', role: 'alert' }, view.formError) : null,
    h(
      'button',
      { type: 'submit', id: 'fd-c2c-submit', disabled: requesting },
      t(requesting ? 'Requesting' : 'Submit'),
    ),
  );
}

function confirmView(view: ClickToCallView, actions: ClickToCallActions, t: T): ComponentChild {
  if (!view.confirm) return null;
  return h(
    'div',
    { class: 'fd-c2c-overlay', role: 'alertdialog', 'aria-labelledby': 'fd-c2c-confirm' },
    h(
      'p',
      { id: 'fd-c2c-confirm' },
      t(view.confirm === 'close' ? 'CloseQuestion' : 'CloseFormQuestion'),
    ),
    h(
      'div',
      { class: 'fd-c2c-actions' },
      h(
        'button',
        { type: 'button', class: 'fd-c2c-yes', onClick: () => actions.answer(true) },
        t('Yes'),
      ),
      h(
        'button',
        { type: 'button', class: 'fd-plain fd-c2c-no', onClick: () => actions.answer(false) },
        t('No'),
      ),
    ),
  );
}

export function ClickToCallPanel({
  view,
  actions,
  t,
}: {
  view: ClickToCallView;
  actions: ClickToCallActions;
  t: T;
}): ComponentChild {
  if (!view.open) return null;
  return h(
    'section',
    {
      class: 'fd-c2c-window cx-clicktocall',
      role: 'dialog',
      'aria-labelledby': 'fd-c2c-title',
      'data-minimized': String(view.minimized),
      'data-stage': view.stage,
      onKeyDown: (event: KeyboardEvent) => {
        if (event.key !== 'Escape' || event.defaultPrevented) return;
        event.preventDefault();
        actions.escape();
      },
    },
    h(
      'header',
      { class: 'fd-c2c-bar' },
      h('h2', { id: 'fd-c2c-title' }, t('Title')),
      h(
        'button',
        {
          type: 'button',
          class: 'fd-plain fd-c2c-min',
          onClick: actions.toggleMinimize,
          'aria-label': t(view.minimized ? 'Maximize' : 'Minimize'),
          'aria-expanded': String(!view.minimized),
        },
        view.minimized ? '▴' : '▾',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'fd-plain fd-c2c-close',
          onClick: actions.requestClose,
          'aria-label': t('Close'),
        },
        '×',
      ),
    ),
    view.minimized
      ? null
      : h(
          'div',
          { class: 'fd-c2c-body' },
          bodyView(view, actions, t),
          confirmView(view, actions, t),
        ),
    h('p', { class: 'fd-c2c-live', 'aria-live': 'polite' }, view.announce),
  );
}
