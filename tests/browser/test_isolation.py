"""Shadow DOM isolation: a hostile page stylesheet cannot change the widgets, and the
widgets' CSS cannot change the page."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer, StaticSite
from tests.browser.widgets import CONSOLE, wait_for_console

HOSTILE_CSS = """<style>
* { all: unset !important; color: red !important; display: block; font-size: 30px !important; }
div { display: none !important; }
button, select, textarea { background: lime !important; width: 10px !important; }
frontdesk-widget { display: none !important; position: static !important; }
.fd-console, .fd, section { display: none !important; }
</style>"""

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>isolation</title>{css}</head><body>
<h2 id="p-h2">Title</h2>
<div class="fd fd-console" id="p-div">A div <button id="p-button">Buy</button></div>
<p id="p-p">Text</p><select id="p-select"><option>x</option></select><textarea id="p-ta"></textarea>
<ul id="p-ul"><li>item</li></ul>
<script>
window._genesys = {{ widgets: {{ main: {{ theme: "light" }}, console: {{ open: true }} }} }};
</script>
{scripts}
</body></html>
"""

WIDGET_PROPS = [
    "display",
    "position",
    "color",
    "background-color",
    "font-size",
    "width",
    "height",
    "left",
    "top",
    "visibility",
    "border-top-width",
]
INSIDE = [
    "",
    ".fd-console",
    ".fd-bar h2",
    "#fd-run",
    "#fd-command-plugin",
    "#fd-options",
    ".fd-log",
]
PAGE_PROPS = [
    "display",
    "position",
    "color",
    "background-color",
    "font-size",
    "font-family",
    "width",
    "height",
    "margin-top",
    "padding-top",
    "box-sizing",
    "border-top-width",
    "direction",
]
PAGE_ELEMENTS = ["body", "#p-h2", "#p-div", "#p-button", "#p-p", "#p-select", "#p-ta", "#p-ul"]

READ_INSIDE = """([selectors, props]) => {
  const host = document.querySelector('frontdesk-widget[data-plugin=Console]');
  const root = host.shadowRoot;
  return selectors.map(s => {
    const el = s ? root.querySelector(s) : host;
    const style = getComputedStyle(el);
    return [s, Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]))];
  });
}"""

READ_PAGE = """([selectors, props]) => selectors.map(s => {
  const style = getComputedStyle(document.querySelector(s));
  return [s, Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]))];
})"""


def render(page: Any, static_site: StaticSite, name: str, css: str, scripts: str) -> None:
    path = static_site.write(name, PAGE.format(css=css, scripts=scripts))
    page.goto(static_site.url(path, host="www.example.test"))


def bundle(demo_server: LiveServer) -> str:
    widgets = demo_server.url("/widgets/widgets.min.js", host="cdn.example.test")
    return f'<script src="{widgets}"></script>'


def test_hostile_page_css_does_not_change_the_widgets(
    page: Any, demo_server: LiveServer, static_site: StaticSite
) -> None:
    render(page, static_site, "calm.html", "", bundle(demo_server))
    wait_for_console(page)
    calm = page.evaluate(READ_INSIDE, [INSIDE, WIDGET_PROPS])

    render(page, static_site, "hostile.html", HOSTILE_CSS, bundle(demo_server))
    window = wait_for_console(page)
    assert window.is_visible()
    hostile = page.evaluate(READ_INSIDE, [INSIDE, WIDGET_PROPS])
    assert hostile == calm
    assert dict(calm)[".fd-console"]["display"] == "block"
    assert dict(calm)["#fd-run"]["color"] != "rgb(255, 0, 0)"
    window.locator("#fd-run").click()
    assert "Pick a plugin" in str(window.locator("#fd-result").text_content())
    assert page.page_errors == []


def test_widget_css_does_not_change_the_page(
    page: Any, demo_server: LiveServer, static_site: StaticSite
) -> None:
    render(page, static_site, "bare.html", "", "")
    bare = page.evaluate(READ_PAGE, [PAGE_ELEMENTS, PAGE_PROPS])

    render(page, static_site, "with-widgets.html", "", bundle(demo_server))
    wait_for_console(page)
    page.evaluate("CXBus.command('App.setTheme', {theme: 'dark'})")
    page.evaluate("CXBus.command('App.setLanguage', {lang: 'ar'})")
    page.wait_for_function(
        f"document.querySelector('{CONSOLE}').shadowRoot.querySelector('.fd').dir === 'rtl'"
    )
    assert page.evaluate(READ_PAGE, [PAGE_ELEMENTS, PAGE_PROPS]) == bare
    assert page.evaluate("document.documentElement.dir") == ""
    assert page.evaluate("document.styleSheets.length") == 0


CSP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>strict CSP</title>
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; script-src 'self' {cdn}; style-src 'self'; img-src 'self'">
</head><body>
<p>No inline scripts or styles are allowed here.</p>
<script src="csp-config.js"></script>
<script src="{cdn}/widgets/widgets.min.js"></script>
</body></html>
"""

CSP_CONFIG = """window.violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.violations.push(e.violatedDirective + " " + e.blockedURI);
});
window._genesys = { widgets: { main: { theme: "dark" }, console: { open: true } } };
"""


def test_widgets_run_and_are_styled_under_a_strict_content_security_policy(
    page: Any, demo_server: LiveServer, static_site: StaticSite
) -> None:
    cdn = demo_server.url("", host="cdn.example.test")
    static_site.write("csp-config.js", CSP_CONFIG)
    path = static_site.write("csp.html", CSP_PAGE.format(cdn=cdn))
    page.goto(static_site.url(path, host="www.example.test"))
    window = wait_for_console(page)
    window.locator("#fd-command-plugin").select_option("App")
    window.locator("#fd-command").select_option("getTheme")
    window.locator("#fd-run").click()
    assert window.locator("#fd-result").text_content() == 'Resolved: "dark"'
    styles = window.evaluate(
        "el => [getComputedStyle(el).position, getComputedStyle(el).backgroundColor]"
    )
    assert styles == ["fixed", "rgb(31, 35, 43)"]
    assert page.evaluate("window.violations") == []
    assert page.page_errors == []
