import { describe, expect, it } from 'vitest';
import {
  describeTypes,
  fileDetails,
  fileProblem,
  formatBytes,
  limitsHint,
  sharedFile,
} from '../src/files';
import { message } from './fixtures';

const LIMITS = {
  max_bytes: 10 * 1024 * 1024,
  types: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'],
};

describe('limits in words', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(48_213)).toBe('47 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3072 GB');
  });

  it('names the types', () => {
    expect(describeTypes([])).toBe('');
    expect(describeTypes(['image/png'])).toBe('PNG');
    expect(describeTypes(['image/png', 'application/x-new'])).toBe('PNG or application/x-new');
    expect(limitsHint(LIMITS)).toBe('Files up to 10 MB: PNG, JPEG, PDF or plain text');
  });
});

describe('checks before an upload', () => {
  it('refuses empty and oversized files, and leaves types to the server', () => {
    expect(fileProblem({ name: 'a.txt', size: 0 }, LIMITS)).toBe('a.txt is empty.');
    expect(fileProblem({ name: 'big.png', size: LIMITS.max_bytes + 1 }, LIMITS)).toBe(
      'big.png is larger than 10 MB.',
    );
    expect(fileProblem({ name: 'ok.png', size: LIMITS.max_bytes }, LIMITS)).toBeNull();
    expect(fileProblem({ name: 'setup.exe', size: 5 }, LIMITS)).toBeNull();
    expect(fileProblem({ name: 'big.png', size: 1e12 }, null)).toBeNull();
  });
});

describe('file messages', () => {
  const data = {
    file_id: '0b7f3c1e-2a4d-4c55-9b1e-5b7a8f0c9d21',
    name: '<img src=x>.png',
    size: 2048,
    type: 'image/png',
  };

  it('reads the file a message shares', () => {
    const file = sharedFile(message(3, { kind: 'file', text: '<img src=x>.png', data }));
    expect(file).toEqual({
      id: data.file_id,
      name: '<img src=x>.png',
      size: 2048,
      type: 'image/png',
    });
    expect(fileDetails(file!)).toBe('PNG · 2 KB');
    expect(fileDetails({ ...file!, type: 'text/plain' })).toBe('Plain text · 2 KB');
  });

  it('refuses ids that could leave the files route, and other shapes', () => {
    for (const id of ['../desk/', 'javascript:alert(1)', '', 'a/b', 42, null]) {
      expect(sharedFile(message(3, { kind: 'file', data: { ...data, file_id: id } }))).toBeNull();
    }
    expect(sharedFile(message(3, { kind: 'file', data: null }))).toBeNull();
    expect(sharedFile(message(3, { kind: 'text', data }))).toBeNull();
  });

  it('falls back to the message text for a missing name', () => {
    const file = sharedFile(
      message(3, { kind: 'file', text: 'notes.txt', data: { file_id: 'f1' } }),
    );
    expect(file).toEqual({ id: 'f1', name: 'notes.txt', size: 0, type: '' });
  });
});
