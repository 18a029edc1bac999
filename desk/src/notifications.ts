/** Desktop notifications for visitors who start waiting while the desk is in the background. */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeskState } from './desk_state';
import { visitorName } from './threads';

const supported = (): boolean => typeof Notification !== 'undefined';

/** Whether the agent may still be asked, and a function that asks. */
export function useNotificationPermission(): [boolean, () => void] {
  const [askable, setAskable] = useState(supported() && Notification.permission === 'default');
  const ask = (): void => {
    void Notification.requestPermission().then(() =>
      setAskable(Notification.permission === 'default'),
    );
  };
  return [askable, ask];
}

export function useQueueNotifications(state: DeskState): void {
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    const previous = known.current;
    known.current = new Set(state.queue);
    // The first list is what was already waiting at sign-in: nothing new to announce.
    if (!previous || !supported() || Notification.permission !== 'granted' || !document.hidden)
      return;
    for (const id of state.queue) {
      const conversation = state.conversations[id];
      if (previous.has(id) || !conversation) continue;
      const subject = conversation.visitor.subject;
      new Notification(`${visitorName(conversation)} is waiting`, { body: subject, tag: id });
    }
  }, [state.queue]);
}
