/** The Console's strings; registered with `App.registerI18n` under the `console` namespace. */
export const STRINGS: Record<string, Record<string, string>> = {
  en: {
    title: 'Console', close: 'Close console', move: 'Move console (arrow keys)',
    commands: 'Commands', events: 'Events', plugin: 'Plugin', command: 'Command',
    options: 'Options (JSON)', run: 'Run', event: 'Event', subscribe: 'Subscribe',
    unsubscribe: 'Unsubscribe', subscriptions: 'Active subscriptions', none: 'None',
    log: 'Event log', clear: 'Clear log', resolved: 'Resolved', rejected: 'Rejected',
    invalidJSON: 'Options are not valid JSON', notObject: 'Options must be a JSON object',
    pick: 'Pick a plugin and a command first', tooMany: 'Too many subscriptions',
  },
  de: {
    title: 'Konsole', close: 'Konsole schließen', move: 'Konsole verschieben (Pfeiltasten)',
    commands: 'Befehle', events: 'Ereignisse', plugin: 'Plugin', command: 'Befehl',
    options: 'Optionen (JSON)', run: 'Ausführen', event: 'Ereignis', subscribe: 'Abonnieren',
    unsubscribe: 'Abbestellen', subscriptions: 'Aktive Abonnements', none: 'Keine',
    log: 'Ereignisprotokoll', clear: 'Protokoll leeren', resolved: 'Erfüllt',
    rejected: 'Abgelehnt', invalidJSON: 'Die Optionen sind kein gültiges JSON',
    notObject: 'Die Optionen müssen ein JSON-Objekt sein',
    pick: 'Zuerst Plugin und Befehl wählen', tooMany: 'Zu viele Abonnements',
  },
  ar: {
    title: 'وحدة التحكم', close: 'إغلاق وحدة التحكم', move: 'تحريك وحدة التحكم (مفاتيح الأسهم)',
    commands: 'الأوامر', events: 'الأحداث', plugin: 'الإضافة', command: 'الأمر',
    options: 'الخيارات (JSON)', run: 'تشغيل', event: 'الحدث', subscribe: 'اشتراك',
    unsubscribe: 'إلغاء الاشتراك', subscriptions: 'الاشتراكات النشطة', none: 'لا شيء',
    log: 'سجل الأحداث', clear: 'مسح السجل', resolved: 'تم', rejected: 'مرفوض',
    invalidJSON: 'الخيارات ليست JSON صالحًا', notObject: 'يجب أن تكون الخيارات كائن JSON',
    pick: 'اختر إضافة وأمرًا أولاً', tooMany: 'اشتراكات كثيرة جدًا',
  },
};
