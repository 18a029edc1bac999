/** The Console window as a Preact view of the Console's state; all changes go to `actions`. */
import { h, type VNode } from 'preact';
import type { PluginRegistryEntry } from '../../core/types';

export interface LogEntry {
  id: number;
  time: string;
  event: string;
  data: string;
}

export interface Position {
  x: number;
  y: number;
}

export interface ConsoleView {
  commandPlugin: string;
  command: string;
  options: string;
  eventPlugin: string;
  event: string;
  subscriptions: string[];
  log: LogEntry[];
  result: { ok: boolean; text: string } | undefined;
  position: Position;
}

export interface ConsoleActions {
  select(key: 'commandPlugin' | 'command' | 'eventPlugin' | 'event', value: string): void;
  editOptions(text: string): void;
  run(): void;
  subscribe(): void;
  unsubscribe(event: string): void;
  clearLog(): void;
  close(): void;
  refresh(): void;
  dragStart(event: MouseEvent): void;
  moveBy(dx: number, dy: number): void;
}

type T = (key: string) => string;

const STEP = 10;
const KEYS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

function choice(
  label: string,
  id: string,
  value: string,
  names: string[],
  onPick: (value: string) => void,
  refresh: () => void,
): VNode {
  const list = value && !names.includes(value) ? [value, ...names] : names;
  return h(
    'label',
    null,
    label,
    h(
      'select',
      {
        id,
        value,
        onFocus: refresh,
        onMouseDown: refresh,
        onChange: (e: Event) => onPick((e.currentTarget as HTMLSelectElement).value),
      },
      h('option', { value: '' }, '—'),
      list.map((name) => h('option', { value: name }, name)),
    ),
  );
}

export function Panel({
  view,
  registry,
  t,
  actions,
}: {
  view: ConsoleView;
  registry: Record<string, PluginRegistryEntry>;
  t: T;
  actions: ConsoleActions;
}): VNode {
  const plugins = Object.keys(registry).sort();
  const commands = registry[view.commandPlugin]?.commands ?? [];
  const events = registry[view.eventPlugin]?.events ?? [];
  const onKey = (e: KeyboardEvent): void => {
    const step = KEYS[e.key];
    if (!step) return;
    e.preventDefault();
    const size = e.shiftKey ? STEP * 5 : STEP;
    actions.moveBy(step[0] * size, step[1] * size);
  };
  return h(
    'div',
    {
      class: 'fd-console',
      role: 'dialog',
      'aria-label': t('title'),
      'aria-modal': 'false',
      style: { left: `${view.position.x}px`, top: `${view.position.y}px` },
    },
    h(
      'div',
      { class: 'fd-bar', onMouseDown: actions.dragStart },
      h(
        'button',
        {
          class: 'fd-plain fd-move',
          type: 'button',
          'aria-label': t('move'),
          title: t('move'),
          onKeyDown: onKey,
        },
        '✥',
      ),
      h('h2', null, t('title')),
      h(
        'button',
        {
          class: 'fd-plain fd-close',
          type: 'button',
          'aria-label': t('close'),
          onClick: actions.close,
        },
        '×',
      ),
    ),
    h(
      'section',
      { class: 'fd-section', 'aria-label': t('commands') },
      h('h3', null, t('commands')),
      h(
        'div',
        { class: 'fd-row' },
        choice(
          t('plugin'),
          'fd-command-plugin',
          view.commandPlugin,
          plugins,
          (v) => actions.select('commandPlugin', v),
          actions.refresh,
        ),
        choice(
          t('command'),
          'fd-command',
          view.command,
          commands,
          (v) => actions.select('command', v),
          actions.refresh,
        ),
      ),
      h(
        'label',
        { class: 'fd-row' },
        t('options'),
        h('textarea', {
          id: 'fd-options',
          spellcheck: false,
          value: view.options,
          onInput: (e: Event) =>
            actions.editOptions((e.currentTarget as HTMLTextAreaElement).value),
        }),
      ),
      h('button', { type: 'button', id: 'fd-run', onClick: actions.run }, t('run')),
      view.result
        ? h(
            'pre',
            { class: 'fd-out', id: 'fd-result', role: 'status', 'data-ok': String(view.result.ok) },
            `${view.result.ok ? t('resolved') : t('rejected')}: ${view.result.text}`,
          )
        : h('pre', { class: 'fd-out', id: 'fd-result', role: 'status', hidden: true }),
    ),
    h(
      'section',
      { class: 'fd-section', 'aria-label': t('events') },
      h('h3', null, t('events')),
      h(
        'div',
        { class: 'fd-row' },
        choice(
          t('plugin'),
          'fd-event-plugin',
          view.eventPlugin,
          plugins,
          (v) => actions.select('eventPlugin', v),
          actions.refresh,
        ),
        choice(
          t('event'),
          'fd-event',
          view.event,
          events,
          (v) => actions.select('event', v),
          actions.refresh,
        ),
        h(
          'button',
          { type: 'button', id: 'fd-subscribe', onClick: actions.subscribe },
          t('subscribe'),
        ),
      ),
      h('h3', null, t('subscriptions')),
      view.subscriptions.length
        ? h(
            'ul',
            { class: 'fd-subs' },
            view.subscriptions.map((name) =>
              h(
                'li',
                { key: name },
                h('span', null, name),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'fd-plain',
                    'aria-label': `${t('unsubscribe')} ${name}`,
                    onClick: () => actions.unsubscribe(name),
                  },
                  t('unsubscribe'),
                ),
              ),
            ),
          )
        : h('p', null, t('none')),
      h('h3', null, t('log')),
      h(
        'ul',
        { class: 'fd-log', role: 'log', 'aria-live': 'polite', 'aria-label': t('log') },
        view.log.map((entry) =>
          h(
            'li',
            { key: entry.id },
            h('time', null, entry.time),
            ' ',
            h('b', null, entry.event),
            ' ',
            entry.data,
          ),
        ),
      ),
      h('button', { type: 'button', class: 'fd-plain', onClick: actions.clearLog }, t('clear')),
    ),
  );
}
