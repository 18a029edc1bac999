// The widget configuration, written the way a customer's site writes it.
// It lives in its own file so the demo also runs under a strict Content-Security-Policy.
window._genesys = {
  widgets: {
    main: {
      theme: "light",
      lang: "en",
      preload: []
    },
    console: {
      open: false
    },
    // WebChat over the purecloud-v2-sockets transport, served by this same Frontdesk server.
    webchat: {
      transport: {
        type: "purecloud-v2-sockets",
        dataURL: window.location.origin,
        deploymentKey: "demo-shop",
        orgGuid: "demo"
      },
      chatButton: { enabled: true, openDelay: 500 },
      charCountEnabled: true,
      maxMessageLength: 500
    }
  }
};

// Test and demo convenience: ?transport=<type> picks the WebChat transport (the browser scenarios
// run against each one); ?autoinvite=<seconds> turns on the idle auto-invite.
(function () {
  var query = window.location.search;
  var transport = /[?&]transport=([\w.-]+)/.exec(query);
  if (transport) {
    window._genesys.widgets.webchat.transport.type = transport[1];
  }
  if (/[?&]markdown=1(&|$)/.test(query)) {
    window._genesys.widgets.webchat.markdown = true;
  }
  var invite = /[?&]autoinvite=(\d+(?:\.\d+)?)/.exec(query);
  if (invite) {
    window._genesys.widgets.webchat.autoInvite = {
      enabled: true,
      timeToInviteSeconds: Number(invite[1]),
      inviteTimeoutSeconds: 30
    };
  }
})();

// Demo convenience: ?console=1 opens the developer Console. It then stays open on every page
// (and sub-domain) of the shop until closed, because it registers itself for auto-loading.
if (/[?&]console=1(&|$)/.test(window.location.search)) {
  window._genesys.widgets.main.preload.push("console");
  window._genesys.widgets.console.open = true;
}

// Lazy-loading mode: the small loader is on the page, plugins come from pluginsPath on demand.
if (window.CXBus) {
  window.CXBus.configure({ pluginsPath: "/widgets/plugins/" });
  window.CXBus.loadPlugin("widgets-core");
  // WebChat shows its chat button; it loads WebChatService itself. During a chat both are in
  // the app.autoLoadList cookie, so the chat comes back on every page without this line.
  window.CXBus.loadPlugin("webchat");
  window.CXBus.command("Hello.greet", { name: "Demo Shop visitor" }).done(function (result) {
    var slot = document.getElementById("widget-status");
    if (slot) {
      slot.textContent = result.greeting + " (the Hello plugin arrived from pluginsPath)";
    }
  }).fail(function (reason) {
    var slot = document.getElementById("widget-status");
    if (slot) {
      slot.textContent = "Widgets failed to load: " + reason;
    }
  });
}
