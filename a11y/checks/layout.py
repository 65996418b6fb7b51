"""Scripted checks for layout that axe cannot judge: reflow at 320 CSS px (1.4.10),
text spacing (1.4.12), text resized to 200% (1.4.4) and orientation (1.3.4).

All four look for *lost content*: the page scrolls sideways, or a box cuts off its
text (overflow hidden/clip), or text spills out of a fixed-height box and overlaps
what follows. Styles are added with a constructed stylesheet (``adoptedStyleSheets``),
which the portal's strict CSP allows, so we test the page the visitor really gets.
"""

from __future__ import annotations

from a11y.browser import DESKTOP_VIEWPORT
from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, WARNING, Finding, node

LOST_CONTENT_JS = js_with_path("""() => {
  const vw = document.documentElement.clientWidth;
  const doc = document.documentElement;
  const result = {hscroll: doc.scrollWidth > vw + 1, scrollWidth: doc.scrollWidth, viewport: vw,
                  wide: [], clipped: [], overflowing: []};
  const hiddenPattern = (el, cs, r) => r.width <= 2 || r.height <= 2
      || (cs.position === 'absolute' && cs.clip !== 'auto') || cs.clipPath.startsWith('inset(50%');
  // Inside a visually hidden box (e.g. a stacked table's thead on small screens): the box
  // clips it away, so its own rectangle says nothing about what a visitor sees.
  const insideHidden = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (hiddenPattern(p, getComputedStyle(p), p.getBoundingClientRect())) return true; } return false; };
  const scrollsX = cs => cs.overflowX === 'auto' || cs.overflowX === 'scroll';
  const clips = v => v === 'hidden' || v === 'clip';
  const insideScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrollsX(getComputedStyle(p))) return true; } return false; };
  const hasContent = el => el.innerText.trim().length > 0 || el.querySelector('img, svg, input, select, textarea, button');
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (hiddenPattern(el, cs, r)) continue;
    if (el.closest('.visually-hidden') || insideHidden(el)) continue;
    const info = () => ({selector: cssPath(el), html: el.outerHTML.slice(0, 300)});
    if (r.right > vw + 1 && !insideScroller(el) && cs.position !== 'fixed') {
      // Report the innermost culprits only.
      const childWide = [...el.children].some(c => c.getBoundingClientRect().right > vw + 1);
      if (!childWide) result.wide.push({...info(), right: Math.round(r.right)});
    }
    if (!hasContent(el)) continue;
    const cutX = clips(cs.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const cutY = clips(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (cutX || cutY) result.clipped.push({...info(), scroll: [el.scrollWidth, el.scrollHeight], client: [el.clientWidth, el.clientHeight]});
    else if (cs.overflowY === 'visible' && !['inline', 'contents'].includes(cs.display) && el.clientHeight > 0
             && el.scrollHeight > el.clientHeight + 2) {
      // A box shorter than its text (a fixed height): the text runs over what follows.
      result.overflowing.push({...info(), scroll: [el.scrollWidth, el.scrollHeight], client: [el.clientWidth, el.clientHeight]});
    }
  }
  for (const key of ['wide', 'clipped', 'overflowing']) result[key] = result[key].slice(0, 8);
  return result;
}""")

TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
TEXT_200_CSS = "html { font-size: 200% !important; }"

ADD_SHEET_JS = """css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; window.__a11ySheet = sheet; }"""
REMOVE_SHEET_JS = (
    """() => { document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== window.__a11ySheet); }"""
)

FONT_SIZES_JS = js_with_path("""() => {
  const sizes = [];
  for (const el of document.body.querySelectorAll('p, li, a, button, label, h1, h2, h3, h4, td, th, span, dd, dt, legend')) {
    if (!el.checkVisibility() || !el.innerText || !el.innerText.trim()) continue;
    sizes.push([cssPath(el), parseFloat(getComputedStyle(el).fontSize)]);
  }
  return sizes;
}""")


# Words broken inside the word at 320 px: a column squeezed so narrow that "antwoord" reads
# "antwoor / d". Each word (split at spaces, hyphens, dashes and slashes, where breaking is
# normal) whose text lies on more than one line, and that would fit on a line of a sensible
# layout, is reported with its element.
BROKEN_WORDS_JS = js_with_path("""() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text && found.length < 8; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!el || seen.has(el) || !el.checkVisibility({visibilityProperty: true}) || el.closest('.visually-hidden, script, style')) continue;
    const value = text.nodeValue;
    // Addresses (URLs, e-mail) and code may wrap anywhere: that is how they are read.
    if (/:\\/\\/|@/.test(value) || el.closest('code, pre, kbd, samp')) continue;
    // Break opportunities a reader expects: spaces, hyphens and dashes, soft hyphens, slashes.
    const words = /[^\\s\\-\\u2010-\\u2015\\u00ad\\u200b\\/]{2,}/g;
    for (let match = words.exec(value); match; match = words.exec(value)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      // After a soft hyphen Chromium gives the hyphen it draws at the end of the line as the
      // first box of the next word: that is the good break, not a broken word.
      if (match.index > 0 && value[match.index - 1] === '\u00ad' && rects.length > 1) rects.shift();
      const tops = new Set(rects.map(r => Math.round(r.top)));
      // A word wider than the window has to wrap somewhere: it is only broken well at a
      // soft hyphen (a long Dutch compound like "Toegankelijkheids-verklaring"), which the
      // pattern above already treats as the end of a word. Shorter words must not break.
      const width = rects.reduce((sum, r) => sum + r.width, 0);
      if (tops.size > 1 && width < 1.5 * document.documentElement.clientWidth) {
        seen.add(el);
        found.push({selector: cssPath(el), html: el.outerHTML.slice(0, 300), word: match[0]});
        break;
      }
    }
  }
  return found;
}""")


def _lost_content_findings(result: dict, check: str, criteria: list[str], situation: str, fix: str) -> list[Finding]:
    findings = []
    if result["hscroll"] or result["wide"]:
        findings.append(
            Finding(
                check=check,
                kind=VIOLATION,
                criteria=criteria,
                description=f"{situation}: the page is {result['scrollWidth']} px wide in a {result['viewport']} px window, "
                "so visitors must scroll sideways or miss content.",
                help=fix,
                impact="serious",
                nodes=[node(w["selector"], w["html"], f"right edge at {w['right']} px") for w in result["wide"]]
                or [node("html", "", f"scroll width {result['scrollWidth']} px")],
            )
        )
    if result["clipped"]:
        findings.append(
            Finding(
                check=check,
                kind=VIOLATION,
                criteria=criteria,
                description=f"{situation}: a box cuts off its content (overflow hidden).",
                help=fix,
                impact="serious",
                nodes=[
                    node(c["selector"], c["html"], f"content {c['scroll']} px, box {c['client']} px")
                    for c in result["clipped"]
                ],
            )
        )
    if result["overflowing"]:
        findings.append(
            Finding(
                check=check,
                kind=VIOLATION,
                criteria=criteria,
                description=f"{situation}: text runs out of a box with a fixed height and overlaps other content.",
                help=fix,
                impact="serious",
                nodes=[
                    node(c["selector"], c["html"], f"content {c['scroll']} px, box {c['client']} px")
                    for c in result["overflowing"]
                ],
            )
        )
    return findings


def reflow(page, ctx: CheckContext) -> list[Finding]:
    """1.4.10 Reflow: at 320 CSS px wide nothing scrolls sideways and nothing is cut off."""
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        result = page.evaluate(LOST_CONTENT_JS)
        broken = page.evaluate(BROKEN_WORDS_JS)
    finally:
        page.set_viewport_size(DESKTOP_VIEWPORT)
    findings = _lost_content_findings(
        result,
        "reflow",
        ["1.4.10"],
        "At 320 CSS px wide",
        "Let content wrap: no fixed widths in px, use max-width and flexible layouts; put wide tables in a scroll box.",
    )
    if broken:
        findings.append(
            Finding(
                check="reflow-broken-words",
                kind=VIOLATION,
                criteria=["1.4.10"],
                description="At 320 CSS px wide, words are broken inside the word over two lines "
                "(a column or box squeezed too narrow), so they cannot be read as words.",
                help="Stack the columns on small screens (a table becomes one block per row, with its labels) "
                "instead of squeezing them; do not force word-break.",
                impact="serious",
                nodes=[node(b["selector"], b["html"], f"broken word: {b['word']}") for b in broken],
            )
        )
    return findings


def text_spacing(page, ctx: CheckContext) -> list[Finding]:
    """1.4.12 Text spacing: with the WCAG spacing overrides no content is lost."""
    page.evaluate(ADD_SHEET_JS, TEXT_SPACING_CSS)
    try:
        result = page.evaluate(LOST_CONTENT_JS)
        broken = page.evaluate(BROKEN_WORDS_JS)
    finally:
        page.evaluate(REMOVE_SHEET_JS)
    findings = _lost_content_findings(
        result,
        "text-spacing",
        ["1.4.12"],
        "With increased text spacing (line 1.5, letters 0.12em, words 0.16em)",
        "Do not give text boxes a fixed height or overflow: hidden; let them grow with their text.",
    )
    if broken:
        findings.append(
            Finding(
                check="text-spacing",
                kind=VIOLATION,
                criteria=["1.4.12"],
                description="With increased text spacing, words are broken inside the word over two lines "
                "(a column squeezed too narrow), so they cannot be read as words.",
                help="Let columns size by whole words (overflow-wrap: break-word, not anywhere), or stack them.",
                impact="serious",
                nodes=[node(b["selector"], b["html"], f"broken word: {b['word']}") for b in broken],
            )
        )
    return findings


def resize_text(page, ctx: CheckContext) -> list[Finding]:
    """1.4.4 Resize text: with the browser's text size at 200% all text grows and nothing is lost."""
    before = dict(page.evaluate(FONT_SIZES_JS))
    page.evaluate(ADD_SHEET_JS, TEXT_200_CSS)
    try:
        result = page.evaluate(LOST_CONTENT_JS)
        after = dict(page.evaluate(FONT_SIZES_JS))
    finally:
        page.evaluate(REMOVE_SHEET_JS)
    findings = _lost_content_findings(
        result,
        "resize-text",
        ["1.4.4"],
        "With text at 200%",
        "Size text and boxes in rem/em, not px, and let boxes grow with their text.",
    )
    fixed = [sel for sel, size in before.items() if sel in after and size > 0 and after[sel] < size * 1.5]
    if fixed:
        findings.append(
            Finding(
                check="resize-text",
                kind=WARNING,
                criteria=["1.4.4"],
                description="Some text does not grow when the visitor makes text larger (font size set in px).",
                help="Set font sizes in rem or em so they follow the visitor's text-size setting.",
                impact="moderate",
                nodes=[node(sel) for sel in fixed[:8]],
            )
        )
    return findings


ORIENTATION_JS = """() => { const main = document.querySelector('main') || document.body;
  return {visible: main.checkVisibility() && main.getBoundingClientRect().height > 0,
          text: (main.innerText || '').trim().length}; }"""


def orientation(page, ctx: CheckContext) -> list[Finding]:
    """1.3.4 Orientation: the content shows in portrait and landscape alike."""
    results = {}
    try:
        for name, size in (("portrait", {"width": 360, "height": 640}), ("landscape", {"width": 640, "height": 360})):
            page.set_viewport_size(size)
            results[name] = page.evaluate(ORIENTATION_JS)
    finally:
        page.set_viewport_size(DESKTOP_VIEWPORT)
    portrait, landscape = results["portrait"], results["landscape"]
    longest = max(portrait["text"], landscape["text"], 1)
    if not (portrait["visible"] and landscape["visible"]) or min(portrait["text"], landscape["text"]) < 0.9 * longest:
        return [
            Finding(
                check="orientation",
                kind=VIOLATION,
                criteria=["1.3.4"],
                description="The main content is hidden or shorter in one screen orientation "
                f"(portrait: {portrait['text']} characters, landscape: {landscape['text']}).",
                help="Do not hide content with orientation media queries; the page must work in both orientations.",
                impact="serious",
                nodes=[node("main")],
            )
        ]
    return []
