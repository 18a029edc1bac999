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
      maxMessageLength: 500,
      // A "send file" button, where the transport takes files (REST polling, v3).
      uploadsEnabled: true,
      // Knowledge articles offered while the visitor types a subject or a first message.
      deflection: { enabled: true }
    },
    // ClickToCall, served by this same Frontdesk server: a number to call and an access code.
    clicktocall: {
      dataURL: window.location.origin + "/api/click-to-call",
      ewt: { display: true, threshold: 30 }
    },
    // KnowledgeCenter: help articles from this same Frontdesk server's demo knowledge base.
    knowledgecenter: {
      host: window.location.origin + "/api/knowledge",
      maxSearchResults: 5
    }
  }
};

// Test and demo convenience: ?transport=<type> picks the WebChat transport (the browser scenarios
// run against each one; "rest-polling" is the default transport, which has no transport.type);
// ?autoinvite=<seconds> turns on the idle auto-invite; ?async=full or
// ?async=minimized turns on async chat (how a hidden chat comes back); ?emojis=1 adds the emoji
// menu; ?restoretimeout=<ms> sets how long a visitor may be away before a chat is not restored.
(function () {
  var query = window.location.search;
  var transport = /[?&]transport=([\w.-]+)/.exec(query);
  if (transport && transport[1] === "rest-polling") {
    // The default transport: no transport.type, and the GMS-style service URL as dataURL.
    delete window._genesys.widgets.webchat.transport;
    window._genesys.widgets.webchat.dataURL = window.location.origin + "/genesys/2/chat/demo";
    window._genesys.widgets.webchat.pollRate = 1000;
  } else if (transport && transport[1] === "pureengage-v3-rest") {
    window._genesys.widgets.webchat.transport = {
      type: transport[1],
      dataURL: window.location.origin + "/nexus/v3/chat/sessions"
    };
  } else if (transport) {
    window._genesys.widgets.webchat.transport.type = transport[1];
  }
  if (/[?&]markdown=1(&|$)/.test(query)) {
    window._genesys.widgets.webchat.markdown = true;
  }
  var asyncChat = /[?&]async=(full|minimized)/.exec(query);
  if (asyncChat) {
    window._genesys.widgets.webchat.async = { enabled: true, newMessageRestoreState: asyncChat[1] };
  }
  if (/[?&]emojis=1(&|$)/.test(query)) {
    window._genesys.widgets.webchat.emojis = true;
  }
  var restore = /[?&]restoretimeout=(\d+)/.exec(query);
  if (restore) {
    window._genesys.widgets.webchat.restoreTimeout = Number(restore[1]);
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
  // "Call us" opens ClickToCall, loaded on first use. While a number is held and the window is
  // open, ClickToCall is in the app.autoLoadList cookie and comes back on every page by itself.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-frontdesk-call]") : null;
    if (button) {
      window.CXBus.command("ClickToCall.open").fail(function () {});
    }
  });
  // "Search help" opens KnowledgeCenter, loaded on first use; its search session (cookies)
  // carries on from page to page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-frontdesk-help]") : null;
    if (button) {
      window.CXBus.command("KnowledgeCenter.open").fail(function () {});
    }
  });
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
