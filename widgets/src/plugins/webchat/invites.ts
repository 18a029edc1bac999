/** Invitation toasts: `invite`, the idle auto-invite (once per browser session) and `reInvite`. */
import { isRecord } from '../../core/common';
import { count, type Options, type WebChat } from './context';
import { watchIdle } from './idle';
import { UI_COOKIES } from './reasons';

/** Show the toast for `seconds`, with focus on its accept button. */
export function showToast(c: WebChat, kind: 'invite' | 'reinvite', seconds: number): void {
  c.view.toast = kind;
  clearTimeout(c.inviteTimer);
  c.inviteTimer = setTimeout(() => {
    c.view.toast = undefined;
    c.draw();
  }, seconds * 1000);
  c.focusTarget = '.fd-wc-accept';
  c.draw();
}

/** `autoInvite`, or its legacy spelling `proactive`. */
function inviteSettings(c: WebChat): Options {
  const auto = c.option('autoInvite');
  if (isRecord(auto)) return auto;
  const legacy = c.option('proactive');
  return isRecord(legacy)
    ? {
        enabled: legacy['enabled'],
        timeToInviteSeconds: legacy['idleTimer'],
        inviteTimeoutSeconds: legacy['cancelTimer'],
      }
    : {};
}

export const inviteTimeout = (c: WebChat): number =>
  count(inviteSettings(c)['inviteTimeoutSeconds'], 30);

/** Invite after the configured idle time, unless this browser session already answered one. */
export function armAutoInvite(c: WebChat): void {
  const settings = inviteSettings(c);
  if (settings['enabled'] !== true || c.cookies().get(UI_COOKIES.inviteOff)) return;
  watchIdle(c.win, count(settings['timeToInviteSeconds'], 5), () => {
    if (!c.view.open && !c.active && !c.view.toast && !c.cookies().get(UI_COOKIES.inviteOff)) {
      showToast(c, 'invite', inviteTimeout(c));
    }
  });
}
