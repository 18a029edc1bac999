import { describe, expect, it } from 'vitest';
import { createI18n, isRightToLeft } from '../../src/core/i18n';

describe('languages', () => {
  it('ship English, German and Arabic, fall back to English, then to the key', () => {
    const i18n = createI18n();
    expect(i18n.languages()).toEqual(['en', 'de', 'ar']);
    expect(i18n.t('de', 'App', 'close')).toBe('Schließen');
    i18n.add('de', 'console', { only: 'nur' });
    i18n.add('en', 'console', { english: 'English only' });
    expect(i18n.t('de', 'console', 'english')).toBe('English only');
    expect(i18n.t('de', 'console', 'missing')).toBe('missing');
    expect(i18n.add('de', 'x', 'not an object')).toBe(false);
  });

  it('know which languages are right to left', () => {
    expect(isRightToLeft('ar')).toBe(true);
    expect(isRightToLeft('he-IL')).toBe(true);
    expect(isRightToLeft('de')).toBe(false);
  });
});
