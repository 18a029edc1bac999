import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileOf, sizeText } from '../../../src/plugins/webchat/files';
import { refusal } from '../../../src/plugins/webchat/uploads';
import { dispositionName } from '../../../src/plugins/webchatservice/download';
import { settle } from '../webchatservice/setup';
import { $, all, openAndStart, page, shadow } from './setup';

const ID = '0b6c3d1e-2f40-4a5b-9c6d-7e8f9a0b1c2d';
const HOSTILE = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script>.png';

afterEach(() => {
  delete window._genesys;
  delete (window as unknown as { hacked?: number }).hacked;
  document.body.innerHTML = '';
});

describe('files in messages', () => {
  it('reads each transport’s shape, keeping only a checked id, the name as given and the size', () => {
    expect(
      fileOf({
        type: 'FileUploaded',
        text: 'a.png',
        userData: { 'file-id': ID, 'file-name': HOSTILE, 'file-size': '120' },
      }),
    ).toEqual({ id: ID, name: HOSTILE, size: 120 });
    expect(
      fileOf({
        attachment: { id: ID, name: 'cart.png', size: 48213, path: 'javascript:alert(1)' },
      }),
    ).toEqual({ id: ID, name: 'cart.png', size: 48213 });
    expect(
      fileOf({
        type: 'Text',
        content: { url: `/sessions/s-1/images/${ID}`, name: 'x.pdf', size: 5 },
      }),
    ).toEqual({ id: ID, name: 'x.pdf', size: 5 });
  });

  it('refuses ids that are not plain ids, and shapes that are not files', () => {
    for (const id of [
      '../../etc/passwd',
      'a/b',
      'javascript:alert(1)',
      '',
      'x'.repeat(65),
      42,
      null,
    ]) {
      expect(fileOf({ attachment: { id, name: 'a.png', size: 1 } })).toBeUndefined();
      expect(fileOf({ type: 'FileUploaded', userData: { 'file-id': id } })).toBeUndefined();
    }
    expect(fileOf({ content: { url: '/sessions/s/images/a/../..', name: 'a' } })).toBeUndefined();
    expect(fileOf({ type: 'Message', text: 'hi' })).toBeUndefined();
    expect(fileOf('FileUploaded')).toBeUndefined();
    expect(fileOf(undefined)).toBeUndefined();
    // No name: the id stands in; a huge name is cut; a nonsense size is 0.
    expect(fileOf({ attachment: { id: ID, size: -3 } })).toEqual({ id: ID, name: ID, size: 0 });
    expect(fileOf({ attachment: { id: ID, name: 'n'.repeat(999), size: 'x' } })?.name).toHaveLength(
      255,
    );
  });

  it('sizes read short, and Content-Disposition names decode', () => {
    expect([sizeText(980), sizeText(12_400), sizeText(3_400_000)]).toEqual([
      '980 B',
      '12 KB',
      '3.4 MB',
    ]);
    expect(
      dispositionName('attachment; filename="a.png"; filename*=UTF-8\'\'%C3%A9t%C3%A9.png'),
    ).toBe('été.png');
    expect(dispositionName('attachment; filename="a.png"; filename*=UTF-8\'\'%E0%A4%A')).toBe(
      'a.png',
    );
    expect(dispositionName(null)).toBe('download');
  });

  it('checks a chosen file against the server’s limits before sending it', () => {
    const t = (key: string, fill: Record<string, string | number> = {}) =>
      `${key} ${JSON.stringify(fill)}`;
    const limits = { maxBytes: 1000, types: ['png', 'pdf'] };
    expect(refusal({ name: 'a.PNG', size: 1000 }, limits, t)).toBeUndefined();
    expect(refusal({ name: 'a.png', size: 1001 }, limits, t)).toBe('FileTooLarge {"Size":"1 KB"}');
    expect(refusal({ name: 'a.png.exe', size: 10 }, limits, t)).toBe(
      'FileTypeRefused {"Types":"png, pdf"}',
    );
    expect(refusal({ name: 'noext', size: 10 }, limits, t)).toContain('FileTypeRefused');
    // Without limits (a transport that has none) the server alone decides.
    expect(refusal({ name: 'a.exe', size: 1e9 }, undefined, t)).toBeUndefined();
  });
});

describe('files in the WebChat window (purecloud-v2-sockets)', () => {
  it('an agent’s file is a download button with its name as text; v2 has no upload button', async () => {
    const p = await page({ uploadsEnabled: true });
    await openAndStart(p);
    p.server.join('agent-1', 'Alice');
    const shared = p.server.post('agent-1', `Shared a file: ${HOSTILE}`, 'standard', true);
    Object.assign(shared, {
      attachment: {
        id: ID,
        name: HOSTILE,
        size: 2048,
        type: 'image/png',
        path: `/api/v2/webchat/guest/conversations/${p.server.conversation()}/files/${ID}`,
      },
    });
    p.server.broadcast('message', shared);
    await settle();
    const button = $<HTMLButtonElement>('.fd-wc-msg[data-party=Agent] .fd-wc-file');
    expect(button.tagName).toBe('BUTTON');
    expect(button.querySelector('.fd-wc-file-name')!.textContent).toBe(HOSTILE);
    expect(button.querySelector('.fd-wc-file-size')!.textContent).toBe('2 KB');
    expect(shadow()!.querySelectorAll('.fd-wc-log img, .fd-wc-log script')).toHaveLength(0);
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
    // The transport reports no fileUpload: no button even with uploadsEnabled.
    expect(all('.fd-wc-attach')).toHaveLength(0);

    // The download asks with the token in a header, never in the URL; a refusal shows as text.
    p.server.setOverride((call) =>
      call.path.endsWith(`/files/${ID}`)
        ? [404, { error: { code: 'not_found', message: 'No such file.' } }]
        : undefined,
    );
    button.click();
    await settle();
    const call = p.server.calls.find((c) => c.path.endsWith(`/files/${ID}`))!;
    expect(call.method).toBe('GET');
    expect(call.query.toString()).toBe('');
    expect(call.auth).toBe(`Bearer ${p.server.jwt()}`);
    await vi.waitFor(() =>
      expect(shadow()!.querySelector('.fd-wc-file-note')?.textContent).toBe(
        'The file was refused. No such file.',
      ),
    );
    // A missing file is not a lost session: the chat goes on.
    expect(await p.bus.command('WebChatService.verifySession')).toEqual({ sessionActive: true });
    expect(all('#fd-wc-input')).toHaveLength(1);
  });
});
