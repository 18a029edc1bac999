"""A page written for Genesys Widgets runs unchanged on Frontdesk, in both embedding modes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, StaticSite

# Written the way sites in the wild embed Genesys Widgets: config object first (with an
# extension and onReady), then the widget script, then bus calls with .done/.fail and a
# 'before' hook from an extension plugin.
GENESYS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>genesys-style</title></head><body>
<pre id="out"></pre>
<script>
var out = [];
function note(line) {{
  out.push(line);
  document.getElementById("out").textContent = out.join("\\n");
}}
window._genesys = {{
  widgets: {{
    main: {{ theme: "light", lang: "en", themes: {{ brand: "cx-theme-brand" }}, i18n: {{
      de: {{ app: {{ close: "Zu" }} }} }} }},
    onReady: function (bus) {{ note("onReady " + bus.namespace()); }}
  }}
}};
window._genesys.widgets.extensions = {{
  ThemeGuard: function ($, CXBus, Common) {{
    var plugin = CXBus.registerPlugin("ThemeGuard");
    plugin.before("App.setTheme", function (options) {{
      if (options.theme === "blocked") return false;
      if (options.theme === "corporate") options.theme = "brand";
      return options;
    }});
    plugin.subscribe("App.ready", function () {{ note("extension saw App.ready"); }});
  }}
}};
</script>
{loader}
<script>
CXBus.subscribe("App.theme", function (e) {{ note("theme event " + e.data.theme); }});
CXBus.command("App.setTheme", {{ theme: "dark" }})
  .done(function (theme) {{ note("done " + theme); }})
  .fail(function (reason) {{ note("fail " + reason); }});
CXBus.command("App.setTheme", {{ theme: "corporate" }}).done(function (t) {{ note("done " + t); }});
CXBus.command("App.setTheme", {{ theme: "blocked" }}).fail(function (r) {{ note("fail " + r); }});
CXBus.command("App.setTheme", {{ theme: "nope" }}).fail(function (r) {{ note("fail " + r); }});
CXBus.command("App.setLanguage", {{ lang: "de" }}).done(function (l) {{ note("language " + l); }});
</script>
</body></html>
"""


def loader(demo_server: LiveServer, mode: str) -> str:
    base = demo_server.url("/widgets", host="cdn.example.test")
    if mode == "bundle":
        return f'<script src="{base}/widgets.min.js"></script>'
    return (
        f'<script src="{base}/cxbus.min.js"></script>'
        f'<script>CXBus.configure({{pluginsPath: "{base}/plugins/"}});'
        'CXBus.loadPlugin("widgets-core");</script>'
    )


@pytest.mark.parametrize("mode", ["bundle", "lazy"])
def test_genesys_style_page_works_unchanged(
    page: Any, demo_server: LiveServer, static_site: StaticSite, mode: str
) -> None:
    path = static_site.write(
        f"genesys-{mode}.html", GENESYS_PAGE.format(loader=loader(demo_server, mode))
    )
    page.goto(static_site.url(path, host="www.example.test"))
    page.wait_for_function("out.length >= 9")
    page.wait_for_timeout(100)
    lines = page.evaluate("out")
    assert {"extension saw App.ready", "onReady QuickBus"} <= set(lines)
    assert "done dark" in lines
    assert "done brand" in lines
    assert "fail Command was cancelled by a 'before' function." in lines
    assert "fail Invalid theme specified" in lines
    assert "language de" in lines
    assert [line for line in lines if line.startswith("theme event")] == [
        "theme event dark",
        "theme event brand",
    ]
    assert page.evaluate("CXBus.data('App.theme')") == "brand"
    assert page.evaluate("window._genesys.widgets.common.t('app', 'close')") == "Zu"
    assert page.evaluate("typeof window._genesys.widgets.bus.registerPlugin") == "function"
    assert page.page_errors == []
