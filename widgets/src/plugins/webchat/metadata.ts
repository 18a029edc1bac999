/**
 * The metadata object WebChat publishes with its events (Genesys Widgets fields), and the
 * copy of it kept in the `webchat.metaData` cookie: form values blanked, no message text.
 */
import { isRecord } from '../../core/common';

export const META_STAMPS = [
  'opened',
  'started',
  'cancelled',
  'rejected',
  'completed',
  'closed',
  'agentReached',
  'botReached',
  'supervisorReached',
] as const;

export type Stamp = (typeof META_STAMPS)[number];

export interface Meta extends Record<Stamp, number | false> {
  proactive: boolean;
  proactiveData: unknown;
  prefilled: boolean;
  autoSubmitted: boolean;
  coBrowseInitiated: boolean;
  filesUploaded: number;
  numAgents: number;
  userMessages: number;
  agentMessages: number;
  systemMessages: number;
  errors: unknown[] | false;
  form: Record<string, string>;
  id: string;
}

/** A fresh metadata object for a new chat window. */
export function newMeta(): Meta {
  const meta = {
    proactive: false,
    proactiveData: {},
    prefilled: false,
    autoSubmitted: false,
    coBrowseInitiated: false,
    filesUploaded: 0,
    numAgents: 0,
    userMessages: 0,
    agentMessages: 0,
    systemMessages: 0,
    errors: false,
    form: {},
    id: Math.random().toString(36).slice(2, 10) + Date.now().toString(36),
  } as unknown as Meta;
  for (const stamp of META_STAMPS) meta[stamp] = false;
  return meta;
}

/** The metadata with its derived fields, as events carry it. */
export function withDerived(meta: Meta, now = Date.now()): Record<string, unknown> {
  const started = meta.started;
  return {
    ...meta,
    elapsed: started ? now - started : 0,
    waitingForAgent: started && !meta.agentReached ? now - started : false,
  };
}

/** What goes into the cookie: form values blanked, error codes only (never server messages). */
export function forCookie(meta: Meta): Record<string, unknown> {
  const form: Record<string, string> = {};
  for (const key of Object.keys(meta.form)) form[key] = '';
  const errors =
    meta.errors &&
    meta.errors.slice(-3).map((error) => (isRecord(error) ? String(error['code']) : 'error'));
  return { ...withDerived(meta), form, errors, proactiveData: {} };
}
