/**
 * KnowledgeCenter's strings in the built-in languages. `<%Count%>` and `<%Query%>` are filled in
 * by KnowledgeCenter; `ResultsOne` is the count of one. A site's language pack wins: these only
 * fill keys the pack leaves out.
 */
export const STRINGS: Record<string, Record<string, string>> = {
  en: {
    Title: 'Help', SearchLabel: 'Search the help articles', SearchPlaceholder: 'Ask a question',
    Search: 'Search', Suggestions: 'Suggestions', Categories: 'Topics', Trending: 'Popular articles',
    Results: '<%Count%> articles for “<%Query%>”', ResultsOne: '1 article for “<%Query%>”',
    NoResults: 'No article matches “<%Query%>”.',
    NoResultsHint: 'Try other words, or pick a topic.', Searching: 'Searching…', Back: 'Back to results',
    Helpful: 'Was this helpful?', Yes: 'Yes', No: 'No', Thanks: 'Thank you for your feedback.',
    Offline: 'Help articles cannot be reached right now. Please try again in a moment.',
    Failed: 'Something went wrong. Please try again.', Close: 'Close', Loading: 'Loading…',
  },
  de: {
    Title: 'Hilfe', SearchLabel: 'Hilfeartikel durchsuchen', SearchPlaceholder: 'Stellen Sie eine Frage',
    Search: 'Suchen', Suggestions: 'Vorschläge', Categories: 'Themen', Trending: 'Beliebte Artikel',
    Results: '<%Count%> Artikel zu „<%Query%>“', ResultsOne: '1 Artikel zu „<%Query%>“',
    NoResults: 'Kein Artikel passt zu „<%Query%>“.',
    NoResultsHint: 'Versuchen Sie andere Wörter oder wählen Sie ein Thema.', Searching: 'Suche läuft…',
    Back: 'Zurück zu den Ergebnissen', Helpful: 'War das hilfreich?', Yes: 'Ja', No: 'Nein',
    Thanks: 'Vielen Dank für Ihre Rückmeldung.',
    Offline: 'Die Hilfeartikel sind gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    Failed: 'Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.', Close: 'Schließen', Loading: 'Wird geladen…',
  },
  ar: {
    Title: 'المساعدة', SearchLabel: 'ابحث في مقالات المساعدة', SearchPlaceholder: 'اطرح سؤالًا',
    Search: 'بحث', Suggestions: 'اقتراحات', Categories: 'المواضيع', Trending: 'المقالات الشائعة',
    Results: '<%Count%> مقالات عن «<%Query%>»', ResultsOne: 'مقالة واحدة عن «<%Query%>»',
    NoResults: 'لا توجد مقالة تطابق «<%Query%>».',
    NoResultsHint: 'جرّب كلمات أخرى، أو اختر موضوعًا.', Searching: 'جارٍ البحث…', Back: 'العودة إلى النتائج',
    Helpful: 'هل كان هذا مفيدًا؟', Yes: 'نعم', No: 'لا', Thanks: 'شكرًا لملاحظاتك.',
    Offline: 'لا يمكن الوصول إلى مقالات المساعدة الآن. يرجى المحاولة بعد قليل.',
    Failed: 'حدث خطأ ما. يرجى المحاولة مرة أخرى.', Close: 'إغلاق', Loading: 'جارٍ التحميل…',
  },
};
