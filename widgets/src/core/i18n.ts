/**
 * Language packs: `pack[lang][namespace][key]`, namespaces lower-case as in Genesys packs
 * (`app`, `console`, `webchat`...). Plugins add their strings with `App.registerI18n`.
 */

export type Strings = Record<string, string>;
export type Pack = Record<string, Record<string, Strings>>;

/** Languages written right to left; their UI roots get `dir="rtl"`. */
const RTL = ['ar', 'fa', 'he', 'ur'];

export function isRightToLeft(lang: string): boolean {
  return RTL.includes(lang.split('-')[0]!.toLowerCase());
}

/**
 * The packs that ship with the core: the App's few strings and WebChat's, in three languages.
 * `<%Agent%>` and `<%Count%>` are filled in by WebChat, as in Genesys language packs.
 */
export const BUILT_IN: Pack = {
  en: {
    app: { close: 'Close', minimize: 'Minimize', language: 'English' },
    webchat: {
      ChatTitle: 'Chat',
      ChatButton: 'Chat with us',
      ChatFormIntro: 'Tell us who you are to start a chat.',
      ChatFormFirstName: 'First name',
      ChatFormLastName: 'Last name',
      ChatFormEmail: 'Email',
      ChatFormSubject: 'Subject',
      ChatFormSubmit: 'Start chat',
      ChatFormRequired: 'Please fill in this field.',
      ChatFormInvalid: 'Please check this field.',
      ChatStartFailed: 'The chat could not be started. Please try again.',
      Connecting: 'Connecting…',
      ChatStarted: 'Chat started',
      ChatEnded: 'The chat has ended.',
      AgentConnected: '<%Agent%> joined the chat',
      AgentDisconnected: '<%Agent%> left the chat',
      AgentTyping: '<%Agent%> is typing…',
      AgentNameDefault: 'Agent',
      You: 'You',
      TextInputLabel: 'Message',
      TextInputPlaceholder: 'Type a message',
      Send: 'Send',
      CharsRemaining: '<%Count%> characters left',
      Minimize: 'Minimize',
      Maximize: 'Open chat',
      Close: 'Close',
      EndChat: 'End chat',
      ChatEndQuestion: 'Do you want to end this chat?',
      ConfirmCloseWindow: 'Close the form? What you typed will be lost.',
      Yes: 'Yes',
      No: 'No',
      InviteTitle: 'Need help?',
      InviteBody: 'Chat with one of our team.',
      InviteAccept: 'Start chat',
      InviteReject: 'No thanks',
      RestoreTimeoutTitle: 'Chat ended',
      RestoreTimeoutBody: 'Your previous chat has ended. Start a new one?',
      UnreadMessagesTitle: 'unread messages',
      Disconnected: 'Connection lost. Reconnecting…',
      Transcript: 'Chat messages',
      AsyncCloseQuestion:
        'Keep this chat? We will bring it back when a reply arrives, or you can end it now.',
      KeepChat: 'Keep chat',
      Cancel: 'Cancel',
      Emoji: 'Emoji',
      LoadingHistory: 'Loading earlier messages…',
      QueuePosition: 'You are number <%Position%> in line, about <%Minutes%> min',
      SendFile: 'Send file',
      FileLimits: 'Files up to <%Size%>: <%Types%>',
      FileSending: 'Sending <%Name%>…',
      FileTooLarge: 'This file is too large (up to <%Size%>).',
      FileTypeRefused: 'This type of file is not accepted (<%Types%>).',
      FileRefused: 'The file was refused. <%Reason%>',
      DeflectionTitle: 'These articles may answer your question:',
    },
  },
  de: {
    app: { close: 'Schließen', minimize: 'Minimieren', language: 'Deutsch' },
    webchat: {
      ChatTitle: 'Chat',
      ChatButton: 'Chatten Sie mit uns',
      ChatFormIntro: 'Sagen Sie uns, wer Sie sind, um einen Chat zu beginnen.',
      ChatFormFirstName: 'Vorname',
      ChatFormLastName: 'Nachname',
      ChatFormEmail: 'E-Mail',
      ChatFormSubject: 'Betreff',
      ChatFormSubmit: 'Chat starten',
      ChatFormRequired: 'Bitte füllen Sie dieses Feld aus.',
      ChatFormInvalid: 'Bitte prüfen Sie dieses Feld.',
      ChatStartFailed: 'Der Chat konnte nicht gestartet werden. Bitte versuchen Sie es erneut.',
      Connecting: 'Verbindung wird hergestellt…',
      ChatStarted: 'Chat gestartet',
      ChatEnded: 'Der Chat wurde beendet.',
      AgentConnected: '<%Agent%> ist dem Chat beigetreten',
      AgentDisconnected: '<%Agent%> hat den Chat verlassen',
      AgentTyping: '<%Agent%> schreibt…',
      AgentNameDefault: 'Mitarbeiter',
      You: 'Sie',
      TextInputLabel: 'Nachricht',
      TextInputPlaceholder: 'Nachricht eingeben',
      Send: 'Senden',
      CharsRemaining: 'Noch <%Count%> Zeichen',
      Minimize: 'Minimieren',
      Maximize: 'Chat öffnen',
      Close: 'Schließen',
      EndChat: 'Chat beenden',
      ChatEndQuestion: 'Möchten Sie diesen Chat beenden?',
      ConfirmCloseWindow: 'Formular schließen? Ihre Eingaben gehen verloren.',
      Yes: 'Ja',
      No: 'Nein',
      InviteTitle: 'Brauchen Sie Hilfe?',
      InviteBody: 'Chatten Sie mit unserem Team.',
      InviteAccept: 'Chat starten',
      InviteReject: 'Nein danke',
      RestoreTimeoutTitle: 'Chat beendet',
      RestoreTimeoutBody: 'Ihr letzter Chat wurde beendet. Einen neuen beginnen?',
      UnreadMessagesTitle: 'ungelesene Nachrichten',
      Disconnected: 'Verbindung verloren. Neuer Versuch…',
      Transcript: 'Chatnachrichten',
      AsyncCloseQuestion:
        'Chat behalten? Wir öffnen ihn wieder, sobald eine Antwort kommt. Oder beenden Sie ihn jetzt.',
      KeepChat: 'Chat behalten',
      Cancel: 'Abbrechen',
      Emoji: 'Emoji',
      LoadingHistory: 'Frühere Nachrichten werden geladen…',
      QueuePosition: 'Sie sind Nummer <%Position%> in der Warteschlange, etwa <%Minutes%> Min.',
      SendFile: 'Datei senden',
      FileLimits: 'Dateien bis <%Size%>: <%Types%>',
      FileSending: '<%Name%> wird gesendet…',
      FileTooLarge: 'Diese Datei ist zu groß (bis <%Size%>).',
      FileTypeRefused: 'Dieser Dateityp wird nicht angenommen (<%Types%>).',
      FileRefused: 'Die Datei wurde abgelehnt. <%Reason%>',
      DeflectionTitle: 'Diese Artikel beantworten vielleicht Ihre Frage:',
    },
  },
  ar: {
    app: { close: 'إغلاق', minimize: 'تصغير', language: 'العربية' },
    webchat: {
      ChatTitle: 'دردشة',
      ChatButton: 'تحدث معنا',
      ChatFormIntro: 'أخبرنا من أنت لبدء الدردشة.',
      ChatFormFirstName: 'الاسم الأول',
      ChatFormLastName: 'اسم العائلة',
      ChatFormEmail: 'البريد الإلكتروني',
      ChatFormSubject: 'الموضوع',
      ChatFormSubmit: 'ابدأ الدردشة',
      ChatFormRequired: 'يرجى ملء هذا الحقل.',
      ChatFormInvalid: 'يرجى التحقق من هذا الحقل.',
      ChatStartFailed: 'تعذر بدء الدردشة. يرجى المحاولة مرة أخرى.',
      Connecting: 'جارٍ الاتصال…',
      ChatStarted: 'بدأت الدردشة',
      ChatEnded: 'انتهت الدردشة.',
      AgentConnected: 'انضم <%Agent%> إلى الدردشة',
      AgentDisconnected: 'غادر <%Agent%> الدردشة',
      AgentTyping: '<%Agent%> يكتب…',
      AgentNameDefault: 'الموظف',
      You: 'أنت',
      TextInputLabel: 'الرسالة',
      TextInputPlaceholder: 'اكتب رسالة',
      Send: 'إرسال',
      CharsRemaining: 'متبقٍ <%Count%> حرفًا',
      Minimize: 'تصغير',
      Maximize: 'فتح الدردشة',
      Close: 'إغلاق',
      EndChat: 'إنهاء الدردشة',
      ChatEndQuestion: 'هل تريد إنهاء هذه الدردشة؟',
      ConfirmCloseWindow: 'إغلاق النموذج؟ سيضيع ما كتبته.',
      Yes: 'نعم',
      No: 'لا',
      InviteTitle: 'هل تحتاج إلى مساعدة؟',
      InviteBody: 'تحدث مع أحد أعضاء فريقنا.',
      InviteAccept: 'ابدأ الدردشة',
      InviteReject: 'لا، شكرًا',
      RestoreTimeoutTitle: 'انتهت الدردشة',
      RestoreTimeoutBody: 'انتهت دردشتك السابقة. هل تريد بدء دردشة جديدة؟',
      UnreadMessagesTitle: 'رسائل غير مقروءة',
      Disconnected: 'انقطع الاتصال. جارٍ إعادة المحاولة…',
      Transcript: 'رسائل الدردشة',
      AsyncCloseQuestion:
        'هل تريد الاحتفاظ بهذه الدردشة؟ سنعيد فتحها عند وصول رد، أو يمكنك إنهاؤها الآن.',
      KeepChat: 'الاحتفاظ بالدردشة',
      Cancel: 'إلغاء',
      Emoji: 'رموز تعبيرية',
      LoadingHistory: 'جارٍ تحميل الرسائل السابقة…',
      QueuePosition: 'أنت رقم <%Position%> في قائمة الانتظار، حوالي <%Minutes%> دقيقة',
      SendFile: 'إرسال ملف',
      FileLimits: 'ملفات حتى <%Size%>: <%Types%>',
      FileSending: 'جارٍ إرسال <%Name%>…',
      FileTooLarge: 'هذا الملف كبير جدًا (حتى <%Size%>).',
      FileTypeRefused: 'هذا النوع من الملفات غير مقبول (<%Types%>).',
      FileRefused: 'تم رفض الملف. <%Reason%>',
      DeflectionTitle: 'قد تجيب هذه المقالات عن سؤالك:',
    },
  },
};

export interface I18n {
  languages(): string[];
  has(lang: string): boolean;
  add(lang: string, namespace: string, strings: unknown): boolean;
  /** Merge a whole pack `{lang: {namespace: {key: text}}}`. */
  merge(pack: unknown): void;
  /** The string for `key` in `lang`, falling back to English, then to the key itself. */
  t(lang: string, namespace: string, key: string): string;
  strings(lang: string): Record<string, Strings>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createI18n(): I18n {
  const packs: Pack = {};
  const add = (lang: string, namespace: string, strings: unknown): boolean => {
    if (!lang || !namespace || !isRecord(strings)) return false;
    const ns = namespace.toLowerCase();
    const forLang = (packs[lang] ??= {});
    const target = (forLang[ns] ??= {});
    for (const [key, text] of Object.entries(strings)) {
      if (typeof text === 'string') target[key] = text;
    }
    return true;
  };
  const merge = (pack: unknown): void => {
    if (!isRecord(pack)) return;
    for (const [lang, spaces] of Object.entries(pack)) {
      if (!isRecord(spaces)) continue;
      packs[lang] ??= {};
      for (const [ns, strings] of Object.entries(spaces)) add(lang, ns, strings);
    }
  };
  merge(BUILT_IN);
  return {
    languages: () => Object.keys(packs),
    has: (lang) => Object.prototype.hasOwnProperty.call(packs, lang),
    add,
    merge,
    t: (lang, namespace, key) => {
      const ns = namespace.toLowerCase();
      return packs[lang]?.[ns]?.[key] ?? packs['en']?.[ns]?.[key] ?? key;
    },
    strings: (lang) => packs[lang] ?? {},
  };
}
