/**
 * ClickToCall's strings in the built-in languages. `<%Time%>` and `<%Minutes%>` are filled in by
 * ClickToCall. A site's language pack wins: these only fill keys the pack leaves out.
 */
export const STRINGS: Record<string, Record<string, string>> = {
  en: {
    Title: 'Call us', FormIntro: 'Leave your phone number: you get a number to call and a code, so the person who answers knows what you were looking at.',
    FirstName: 'First name', LastName: 'Last name', PhoneNumber: 'Your phone number',
    Required: 'Please fill in this field.', InvalidPhone: 'Please use digits only, with a + in front if you like.',
    Invalid: 'Please check this field.', Submit: 'Get a number to call', Requesting: 'Getting your number…',
    RequestFailed: 'We could not give you a number. Please try again.',
    Offline: 'The service cannot be reached. Please try again in a moment.',
    CallUsAt: 'Call us at', AccessCode: 'Your access code', AccessCodeHint: 'Enter it when you are asked for it.',
    ValidFor: 'Valid for <%Time%>', TimeLeft: '<%Time%> left to call with this number and code.',
    Wait: 'Expected wait: about <%Minutes%> min', Expired: 'This number and code have expired.',
    RequestAgain: 'Get a new number', CloseQuestion: 'Close? The number and code stay valid until they expire.',
    CloseFormQuestion: 'Close the form? What you typed will be lost.', Yes: 'Yes', No: 'No',
    Minimize: 'Minimize', Maximize: 'Open', Close: 'Close',
  },
  de: {
    Title: 'Rufen Sie uns an', FormIntro: 'Geben Sie Ihre Telefonnummer an: Sie erhalten eine Nummer zum Anrufen und einen Code, damit wir wissen, was Sie sich angesehen haben.',
    FirstName: 'Vorname', LastName: 'Nachname', PhoneNumber: 'Ihre Telefonnummer',
    Required: 'Bitte füllen Sie dieses Feld aus.', InvalidPhone: 'Bitte nur Ziffern verwenden, vorne gern mit +.',
    Invalid: 'Bitte prüfen Sie dieses Feld.', Submit: 'Nummer zum Anrufen erhalten', Requesting: 'Ihre Nummer wird geholt…',
    RequestFailed: 'Wir konnten Ihnen keine Nummer geben. Bitte versuchen Sie es erneut.',
    Offline: 'Der Dienst ist nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    CallUsAt: 'Rufen Sie uns an unter', AccessCode: 'Ihr Zugangscode', AccessCodeHint: 'Geben Sie ihn ein, wenn Sie danach gefragt werden.',
    ValidFor: 'Gültig für <%Time%>', TimeLeft: 'Noch <%Time%>, um mit dieser Nummer und diesem Code anzurufen.',
    Wait: 'Erwartete Wartezeit: etwa <%Minutes%> Min.', Expired: 'Nummer und Code sind abgelaufen.',
    RequestAgain: 'Neue Nummer erhalten', CloseQuestion: 'Schließen? Nummer und Code bleiben gültig, bis sie ablaufen.',
    CloseFormQuestion: 'Formular schließen? Ihre Eingaben gehen verloren.', Yes: 'Ja', No: 'Nein',
    Minimize: 'Minimieren', Maximize: 'Öffnen', Close: 'Schließen',
  },
  ar: {
    Title: 'اتصل بنا', FormIntro: 'اترك رقم هاتفك: ستحصل على رقم للاتصال ورمز، ليعرف من يجيبك ما كنت تتصفحه.',
    FirstName: 'الاسم الأول', LastName: 'اسم العائلة', PhoneNumber: 'رقم هاتفك',
    Required: 'يرجى ملء هذا الحقل.', InvalidPhone: 'يرجى استخدام الأرقام فقط، مع علامة + في البداية إن أردت.',
    Invalid: 'يرجى التحقق من هذا الحقل.', Submit: 'احصل على رقم للاتصال', Requesting: 'جارٍ الحصول على رقمك…',
    RequestFailed: 'تعذر إعطاؤك رقمًا. يرجى المحاولة مرة أخرى.',
    Offline: 'لا يمكن الوصول إلى الخدمة. يرجى المحاولة بعد قليل.',
    CallUsAt: 'اتصل بنا على', AccessCode: 'رمز الدخول الخاص بك', AccessCodeHint: 'أدخله عندما يُطلب منك.',
    ValidFor: 'صالح لمدة <%Time%>', TimeLeft: 'تبقى <%Time%> للاتصال بهذا الرقم والرمز.',
    Wait: 'مدة الانتظار المتوقعة: حوالي <%Minutes%> دقيقة', Expired: 'انتهت صلاحية الرقم والرمز.',
    RequestAgain: 'احصل على رقم جديد', CloseQuestion: 'إغلاق؟ يبقى الرقم والرمز صالحين حتى تنتهي صلاحيتهما.',
    CloseFormQuestion: 'إغلاق النموذج؟ سيضيع ما كتبته.', Yes: 'نعم', No: 'لا',
    Minimize: 'تصغير', Maximize: 'فتح', Close: 'إغلاق',
  },
};
