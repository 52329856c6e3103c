"""The icons of pydata-sphinx-theme, drawn without Font Awesome's script and fonts.

The theme loads Font Awesome's `fontawesome.js` on every page (1.5 MB, 529 KB gzipped),
and its style sheet draws some icons of its own with Font Awesome's fonts (admonition
titles, external links): a first visit fetched 749 KB for about fifteen icons. The site
leaves the script out (`_templates/static/webpack-macros.html`) and draws each icon the
theme can show with this configuration as an inline SVG, used as a CSS mask in the
text's colour: `_static/kb-icons.css`, written by this module from the installed theme's
own copy of Font Awesome (its `fontawesome.js`: which file, and how its icon packs are
written, is the theme's business, hence here in compat/):

    python -m kb.compat.fontawesome > _static/kb-icons.css   (from _ext/)

tests/compat/test_compat.py fails when the installed theme would give another file (a
new Font Awesome, an icon renamed), and the browser tests when a page shows an icon
this file does not draw or loads an icon font.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path
from typing import NamedTuple

PACKAGE = "pydata-sphinx-theme"
SCRIPT = "pydata_sphinx_theme/theme/pydata_sphinx_theme/static/scripts/fontawesome.js"
LICENCE = SCRIPT + ".LICENSE.txt"  # Font Awesome's banner, with its version
STYLE = "pydata_sphinx_theme/theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"

# The icons in the theme's markup (<i class="fa-solid fa-NAME">) that this configuration
# shows: header buttons (search, colour mode, menus, full screen, repository, edit,
# issues), the sidebar's expanders, "back to top", previous and next. A page with
# another (a new header button) fails tests/site/test_page_weight.py.
MARKUP_ICONS = {
    "fas": ("magnifying-glass", "bars", "list", "outdent", "sun", "moon", "circle-half-stroke",
            "expand", "pencil", "lightbulb", "chevron-down", "arrow-up", "angle-left",
            "angle-right"),
    "fab": ("github",),
}
# The theme's style sheet draws these pseudo-elements with a Font Awesome glyph in
# `content` (selector -> the theme's --pst-icon-* variable it shows, the icon's pack and
# name). The selectors are the theme's own, so the rules below replace its rules.
ADMONITION = ".admonition{0}>.admonition-title::after, div.admonition{0}>.admonition-title::after"
ADMONITIONS = {  # admonition class -> (the theme's variable, icon)
    "": ("bell", "bell"),
    ".attention": ("exclamation-circle", "circle-exclamation"),
    ".caution": ("exclamation-triangle", "triangle-exclamation"),
    ".warning": ("exclamation-triangle", "triangle-exclamation"),
    ".danger": ("exclamation-triangle", "triangle-exclamation"),
    ".error": ("times-circle", "circle-xmark"),
    ".hint": ("lightbulb", "lightbulb"),
    ".tip": ("lightbulb", "lightbulb"),
    ".important": ("exclamation-circle", "circle-exclamation"),
    ".note": ("info-circle", "circle-info"),
    ".seealso": ("share", "share"),
    ".admonition-todo": ("pencil", "pencil"),
}
INLINE_GLYPHS = {  # selector -> (the theme's variable, pack, icon)
    "a.github::before": ("github", "fab", "github"),
    "a.gitlab::before": ("gitlab", "fab", "gitlab"),
    ".nav-link.nav-external::after, nav.bd-links li>a.reference.external::after":
        ("external-link", "fas", "up-right-from-square"),
    "div#searchbox p.highlight-link a::before": ("search-minus", "fas", "magnifying-glass-minus"),
    "span.versionmodified::before": ("exclamation-circle", "fas", "circle-exclamation"),
    "a.reference.download::before": ("download", "fas", "download"),
}


# The theme's style sheets style Font Awesome's SVG (the script's output) by the element
# name `svg`: the same rules for the icon elements drawn here ({icon}). Each is the
# theme's own rule; tests/compat/test_compat.py fails when the theme has another.
SVG_RULES = (
    # sphinx-book-theme: the article header's buttons
    (".bd-header-article .btn {icon}", "width: 1.3rem;"),
    # pydata-sphinx-theme: the search dialog's magnifying glass, as large as its text
    ("#pst-search-dialog[open] form.bd-search {icon}", "font-size: var(--pst-font-size-icon);"),
    # on a narrow screen the search field shows its icon alone (`>:not(svg)` is hidden)
    (".search-button-field > {icon}", "display: inline-block;"),
    ("ul.navbar-icon-links {icon}",
     "font-size: var(--pst-font-size-icon); font-style: normal; vertical-align: middle;"),
    # and the font's rule the SVG escaped (it had no fa-solid class): the search dialog's
    # glyph laid over its field; the SVG sat before it
    (".bd-search {icon}.fa-solid.fa-magnifying-glass", "position: static; color: inherit;"),
)
# the theme's rules with `svg` in their selector, as this module last saw them
THEME_SVG_SELECTORS = (
    ".bd-header-article .btn svg",
    "#pst-search-dialog[open] form.bd-search svg",
    ".search-button-field>:not(svg)",
    "ul.navbar-icon-links svg.fa-brands",
    "ul.navbar-icon-links svg.fa-regular",
    "ul.navbar-icon-links svg.fa-solid",
)


class Icon(NamedTuple):
    width: int
    height: int
    aliases: tuple[str, ...]
    unicode: str  # the code point, in hexadecimal, that the icon fonts give it
    path: str  # the SVG path

    def data_url(self) -> str:
        svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {self.width} "
               f"{self.height}'><path d='{self.path}'/></svg>")
        return 'url("data:image/svg+xml,' + svg.replace("<", "%3C").replace(">", "%3E") + '")'


# one pack: `var NAME={"icon-name":[width,height,[aliases],"f0c9","path"],...}` ... then
# the call that defines it as a style: `p("fas",NAME)`
_ENTRY = re.compile(r'(?:"([\w-]+)"|([A-Za-z_]\w*)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",'
                    r'"([^"]+)"\]')
_DEFINED = re.compile(r'\w\("(fa[a-z]+)",(\w+)\)')


def packs(script: str) -> dict[str, dict[str, Icon]]:
    """Font Awesome's icons in `script` (fontawesome.js), by pack ("fas", "fab") and name,
    each alias naming the same icon."""
    found: dict[str, dict[str, Icon]] = {}
    for call in _DEFINED.finditer(script):
        prefix, variable = call.groups()
        start = script.rfind(f"var {variable}={{", 0, call.start())
        if start < 0 or prefix in found:
            continue
        icons: dict[str, Icon] = {}
        for entry in _ENTRY.finditer(script, start, call.start()):
            name = entry[1] or entry[2]
            aliases = tuple(alias.strip('"') for alias in entry[5].split(",")
                            if alias.startswith('"'))
            icon = Icon(int(entry[3]), int(entry[4]), aliases, entry[6], entry[7])
            icons.setdefault(name, icon)
        if icons:
            found[prefix] = icons
    return found


def theme_variables(style: str) -> dict[str, str]:
    """The theme's `--pst-icon-NAME` variables that hold a glyph (the character itself, or
    its CSS escape): name -> code point, in hexadecimal."""
    found = {}
    for name, glyph in re.findall(r'--pst-icon-([\w-]+):\s*"(\\[0-9a-fA-F]+|[^"\\])"', style):
        found[name] = glyph[1:].lower() if glyph.startswith("\\") else f"{ord(glyph):x}"
    return found


def installed_text(path: str) -> str:
    return Path(str(importlib.metadata.distribution(PACKAGE).locate_file(path))).read_text(
        encoding="utf-8")


def _mask(variable: str) -> str:
    return f"-webkit-mask-image: var({variable}); mask-image: var({variable});"


def stylesheet(script: str, style: str, licence: str) -> str:
    """kb-icons.css, from the theme's fontawesome.js, its licence banner and the theme's
    style sheet (ValueError when an icon is missing, or a theme variable shows another
    glyph than the icon drawn)."""
    icons = packs(script)
    variables = theme_variables(style)
    version = re.search(r"Font Awesome Free ([\d.]+)", licence)
    if version is None:
        raise ValueError("Font Awesome's licence banner names no version")
    used: dict[tuple[str, str], Icon] = {}

    def icon(prefix: str, name: str, variable: str | None = None) -> str:
        found = icons.get(prefix, {}).get(name)
        if found is None:
            raise ValueError(f"Font Awesome's {prefix} pack has no icon {name!r}")
        if variable is not None and variables.get(variable) != found.unicode:
            raise ValueError(f"the theme's --pst-icon-{variable} is not {prefix} {name}")
        used[prefix, name] = found
        return f"--kb-fa-{prefix}-{name}"

    # each icon by its name and its aliases ("pencil-alt"), as Font Awesome's CSS names it;
    # an icon not drawn here keeps Font Awesome's font (its CSS is still the theme's)
    named = {", ".join(f".fa-{alias}" for alias in (name, *icons.get(prefix, {}).get(
        name, Icon(0, 0, (), "", "")).aliases)): (icon(prefix, name), used[prefix, name])
        for prefix, names in MARKUP_ICONS.items() for name in names}
    drawn = ":is(" + ", ".join(named) + ")"
    # the width the SVG kept when a row was short of room: its own, at 1em tall
    classes = [f"{selector} {{ --kb-icon: var({variable}); "
               f"--kb-icon-width: {round(found.width / found.height, 4)}em; }}"
               for selector, (variable, found) in named.items()]
    admonitions = [f"{ADMONITION.format(kind)} {{ {_mask(icon('fas', name, variable))} }}"
                   for kind, (variable, name) in ADMONITIONS.items()]
    glyphs = [f"{selector} {{ {_mask(icon(prefix, name, variable))} }}"
              for selector, (variable, prefix, name) in INLINE_GLYPHS.items()]
    pseudo = ", ".join([ADMONITION.format(kind) for kind in ADMONITIONS] + list(INLINE_GLYPHS))
    inline = ", ".join(INLINE_GLYPHS)
    variables_css = "\n".join(f"  --kb-fa-{prefix}-{name}: {found.data_url()};"
                              for (prefix, name), found in sorted(used.items()))
    return "\n".join([
        "/* The theme's icons as inline SVG masks in the text's colour, without Font Awesome's",
        "   script and fonts (_ext/kb/compat/fontawesome.py writes this file; do not edit).",
        f"   Icons: Font Awesome Free {version[1]} by Fonticons, Inc.,",
        "   https://fontawesome.com, CC BY 4.0 (https://fontawesome.com/license/free). */",
        ":root {", variables_css, "}",
        "/* <i class=\"fa-solid fa-NAME\">: no icon font but the SVG of its name, in the box",
        "   Font Awesome's script gave its SVG (class svg-inline--fa: 1em tall, 1.25em wide,",
        "   padding outside; the size of the text around it, as the SVG had no fa-solid class,",
        "   which the theme's style sheet sizes as its header icons) */",
        f"{drawn} {{",
        "  font-family: inherit; font-size: inherit; width: var(--fa-width, 1.25em); height: 1em;",
        "  line-height: 1; vertical-align: -0.125em; box-sizing: content-box;",
        "  min-width: var(--kb-icon-width);",
        "}",
        f"{drawn}.fa-lg {{ font-size: 1.25em; vertical-align: -0.2em; }}",
        "/* the theme's rules for Font Awesome's SVG (its `svg` selectors), for the icon here */",
        *(f"{selector.format(icon=drawn)} {{ {rule} }}" for selector, rule in SVG_RULES),
        f"{drawn}::before {{",
        '  content: ""; display: block; width: 100%; height: 100%;',
        "  background-color: currentColor;",
        "  -webkit-mask: var(--kb-icon) center / contain no-repeat;",
        "  mask: var(--kb-icon) center / contain no-repeat;",
        "}",
        *classes,
        "/* the theme's style sheet's own icons (its selectors): the SVG instead of the glyph */",
        f"{pseudo} {{",
        '  content: ""; font: inherit; background-color: currentColor;',
        "  -webkit-mask-position: center; mask-position: center;",
        "  -webkit-mask-size: contain; mask-size: contain;",
        "  -webkit-mask-repeat: no-repeat; mask-repeat: no-repeat;",
        "}",
        f"{inline} {{ display: inline-block; width: 1em; height: 1em; vertical-align: -0.125em; }}",
        *admonitions,
        *glyphs,
        "",
    ])


def main() -> int:
    sys.stdout.write(stylesheet(*map(installed_text, (SCRIPT, STYLE, LICENCE))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
